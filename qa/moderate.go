package qa

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

var questionRef = regexp.MustCompile(`(?:^|/fragen/)(\d+)\b`)

// close closes a question with a reason, and as a duplicate when the
// moderator names the original (by number or address).
func (b *Board) close(c *gin.Context) {
	ctx, q, v := c.Request.Context(), questionOf(c), web.ViewerOf(c)
	form := frontend.NewForm()
	form.Set("reason", strings.TrimSpace(c.PostForm("reason")))
	form.Set("duplicate", strings.TrimSpace(c.PostForm("duplicate")))
	if e := errs.Length("reason", form.Values["reason"], 500); e != nil {
		form.Fail("reason", b.web.Message(c, e))
	}
	var dup *int64
	if ref := form.Values["duplicate"]; ref != "" {
		m := questionRef.FindStringSubmatch(ref)
		id := int64(0)
		if m != nil {
			id, _ = strconv.ParseInt(m[1], 10, 64)
		}
		d, err := b.store.QuestionByID(ctx, id)
		switch {
		case err != nil || b.spaces.Check(ctx, policies.SubjectOf(c), policies.Read, d.SpaceID) != nil:
			form.Fail("duplicate", b.web.T(c, "qa.duplicate_unknown"))
		case d.ID == q.ID:
			form.Fail("duplicate", b.web.T(c, "qa.duplicate_self"))
		default:
			dup = &d.ID
		}
	}
	if form.Failed() {
		b.renderView(c, web.Status(errs.Invalid), viewPage{Close: form})
		return
	}
	if err := b.store.Close(ctx, q.ID, v.ID, form.Values["reason"], dup); err != nil {
		b.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, QuestionURL(q.ID))
}

func (b *Board) reopen(c *gin.Context) {
	if err := b.store.Reopen(c.Request.Context(), questionOf(c).ID); err != nil {
		b.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, QuestionURL(questionOf(c).ID))
}

type promotePage struct {
	Question Question
	Form     *frontend.Form
	Spaces   []policies.Space
}

// mayPromote: the asker, the accepted answer's author, the space's
// moderators and knowledge managers turn an answer into a wiki page.
func (b *Board) mayPromote(c *gin.Context, q Question) bool {
	v := web.ViewerOf(c)
	if q.AcceptedAnswerID == nil || q.WikiPageID != nil {
		return false
	}
	if v.KnowledgeManager || (q.AuthorID != nil && *q.AuthorID == v.ID) {
		return true
	}
	if a, err := b.store.AnswerByID(c.Request.Context(), *q.AcceptedAnswerID); err == nil && a.AuthorID != nil && *a.AuthorID == v.ID {
		return true
	}
	return b.spaces.Enforcer.Can(c.Request.Context(), policies.SubjectOf(c), policies.Moderate, q.SpaceID)
}

func (b *Board) promoteForm(c *gin.Context) {
	q := questionOf(c)
	if !b.mayPromote(c, q) {
		b.web.Fail(c, errs.E(errs.Forbidden, "qa.promote.not_allowed"))
		return
	}
	form := frontend.NewForm()
	form.Set("space", strconv.FormatInt(q.SpaceID, 10))
	b.renderPromote(c, http.StatusOK, form)
}

func (b *Board) renderPromote(c *gin.Context, status int, form *frontend.Form) {
	spaces, err := b.writableSpaces(c)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	b.web.Render(c, status, "qa/promote", b.web.T(c, "qa.promote.title"), promotePage{Question: questionOf(c), Form: form, Spaces: spaces})
}

// promote opens the wiki editor of the chosen space, prefilled from the
// question and its accepted answer: the page is made when the person
// saves it there (see Promotion and Promoted).
func (b *Board) promote(c *gin.Context) {
	q := questionOf(c)
	if q.WikiPageID != nil {
		b.web.Fail(c, errs.E(errs.Conflict, "qa.promote.done"))
		return
	}
	if !b.mayPromote(c, q) {
		b.web.Fail(c, errs.E(errs.Forbidden, "qa.promote.not_allowed"))
		return
	}
	form := frontend.NewForm()
	form.Set("space", c.PostForm("space"))
	spaces, err := b.writableSpaces(c)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	for _, sp := range spaces {
		if strconv.FormatInt(sp.ID, 10) == form.Values["space"] {
			c.Redirect(http.StatusSeeOther, "/bereiche/"+url.PathEscape(sp.Slug)+"/neu?frage="+strconv.FormatInt(q.ID, 10))
			return
		}
	}
	form.Fail("space", b.web.T(c, "qa.space_invalid"))
	b.renderPromote(c, web.Status(errs.Invalid), form)
}

// invite asks a person who knows about the question's topics to answer.
func (b *Board) invite(c *gin.Context) {
	q, v := questionOf(c), web.ViewerOf(c)
	handle := strings.TrimPrefix(strings.TrimSpace(c.PostForm("handle")), "@")
	if b.deps.Notifier == nil || handle == "" {
		b.web.Fail(c, errs.E(errs.Invalid, "error.invalid"))
		return
	}
	err := b.invitePerson(c.Request.Context(), q, v.ID, handle)
	if e, ok := errs.As(err); ok && (e.Code == errs.NotFound || e.Field == "handle") {
		// Nobody to invite, or someone who may not read the question:
		// the form comes back saying so, never that it was sent.
		form := frontend.NewForm()
		form.Set("handle", c.PostForm("handle"))
		if e.Code == errs.NotFound {
			form.Fail("handle", b.web.T(c, "qa.invite.unknown", "Handle", handle))
		} else {
			form.Fail("handle", b.web.Message(c, e))
		}
		b.renderView(c, web.Status(errs.Invalid), viewPage{Invite: form})
		return
	}
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, QuestionURL(q.ID)+"?eingeladen="+url.QueryEscape(handle)+"#experten")
}

// apiInvite asks a person to answer: 204 when the invitation is recorded,
// 422 when the person may not read the question or is unknown.
func (b *Board) apiInvite(c *gin.Context) {
	var in struct {
		Handle string `json:"handle"`
	}
	if err := web.Bind(c, &in); err != nil {
		b.web.Fail(c, err)
		return
	}
	handle := strings.TrimPrefix(strings.TrimSpace(in.Handle), "@")
	if b.deps.Notifier == nil || handle == "" {
		b.web.Fail(c, errs.E(errs.Invalid, "form.required").OnField("handle"))
		return
	}
	err := b.invitePerson(c.Request.Context(), questionOf(c), web.ViewerOf(c).ID, handle)
	if errs.Is(err, errs.NotFound) {
		err = errs.E(errs.Invalid, "qa.invite.unknown", "Handle", handle).OnField("handle")
	}
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
