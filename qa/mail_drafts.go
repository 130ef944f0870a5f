package qa

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

const mailDraftsPath = "/fragen/entwuerfe"

func mailDraftURL(id int64) string { return mailDraftsPath + "/" + strconv.FormatInt(id, 10) }

type mailDraftsPage struct {
	Drafts    []MailDraftItem
	Addresses []spaceAddress
}

type spaceAddress struct{ Space, Address string }

// mailDrafts lists the person's mail drafts and the addresses of the
// spaces they may forward into.
func (b *Board) mailDrafts(c *gin.Context) {
	list, err := b.store.MailDrafts(c.Request.Context(), web.ViewerOf(c).ID)
	var spaces []policies.Space
	if err == nil && b.deps.MailAddress != nil {
		spaces, err = b.writableSpaces(c)
	}
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	page := mailDraftsPage{Drafts: list}
	for _, sp := range spaces {
		page.Addresses = append(page.Addresses, spaceAddress{Space: sp.Name, Address: b.deps.MailAddress(sp.Slug)})
	}
	b.web.Render(c, http.StatusOK, "qa/mail_drafts", b.web.T(c, "qa.mail.drafts_title"), page)
}

// uploadMail imports an .eml or .msg file chosen on the ask page.
func (b *Board) uploadMail(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	form := frontend.NewForm()
	form.Set("mail_space", c.PostForm("mail_space"))
	fail := func(status int, e *errs.Error) {
		form.Fail("mail", b.web.Message(c, e))
		b.renderAsk(c, status, askPage{Form: frontend.NewForm(), Mail: form})
	}
	spaceID, _ := strconv.ParseInt(form.Values["mail_space"], 10, 64)
	if err := b.spaces.Check(ctx, policies.SubjectOf(c), policies.Write, spaceID); err != nil {
		form.Fail("mail_space", b.web.T(c, "qa.space_invalid"))
		b.renderAsk(c, web.Status(errs.Invalid), askPage{Form: frontend.NewForm(), Mail: form})
		return
	}
	file, header, err := web.FormFile(c, "mail", errs.E(errs.TooLarge, "qa.mail.too_large"), errs.E(errs.Invalid, "qa.mail.missing"))
	if e, ok := errs.As(err); ok {
		fail(web.Status(e.Code), e)
		return
	}
	defer file.Close()
	raw, err := io.ReadAll(file)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	id, _, err := b.ImportMail(ctx, v.ID, spaceID, header.Filename, raw)
	if e, ok := errs.As(err); ok && e.Code != errs.Internal {
		fail(web.Status(e.Code), e)
		return
	}
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, mailDraftURL(id))
}

type mailDraftPage struct {
	Draft    MailDraft
	Form     *frontend.Form
	Spaces   []policies.Space
	Messages []mailDraftMessage
}

type mailDraftMessage struct {
	Position int
	Author   string
	Extern   bool
	SentAt   *time.Time
}

// loadMailDraft loads the viewer's draft named by :draft; anyone else's
// is not found.
func (b *Board) loadMailDraft(c *gin.Context) (MailDraft, error) {
	id, err := strconv.ParseInt(c.Param("draft"), 10, 64)
	if err != nil {
		return MailDraft{}, errs.E(errs.NotFound, "error.not_found")
	}
	return b.store.MailDraftOf(c.Request.Context(), id, web.ViewerOf(c).ID)
}

func (b *Board) mailDraftForm(c *gin.Context) {
	d, err := b.loadMailDraft(c)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	form := frontend.NewForm()
	form.Set("title", truncate(d.Subject, 200))
	form.Set("space", strconv.FormatInt(d.SpaceID, 10))
	for _, m := range d.Messages {
		form.Set(bodyField(m.Position), m.Body)
		form.Set(includeField(m.Position), "on")
	}
	for _, f := range d.Files {
		form.Set(fileField(f.ID), "on")
	}
	b.renderMailDraft(c, http.StatusOK, d, form)
}

func bodyField(pos int) string              { return "body-" + strconv.Itoa(pos) }
func includeField(pos int) string           { return "include-" + strconv.Itoa(pos) }
func fileField(id int64) string             { return "file-" + strconv.FormatInt(id, 10) }
func (p mailDraftPage) Body(pos int) string { return p.Form.Values[bodyField(pos)] }

func (b *Board) renderMailDraft(c *gin.Context, status int, d MailDraft, form *frontend.Form) {
	spaces, err := b.writableSpaces(c)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	page := mailDraftPage{Draft: d, Form: form, Spaces: spaces}
	for _, m := range d.Messages {
		line := mailDraftMessage{Position: m.Position, Author: m.AuthorName, SentAt: m.SentAt}
		switch {
		case m.AuthorID == nil:
			line.Author, line.Extern = b.web.T(c, "qa.mail.extern"), true
		case m.AuthorName == "":
			line.Author = b.web.T(c, "wiki.former_member")
		}
		page.Messages = append(page.Messages, line)
	}
	b.web.Render(c, status, "qa/mail_draft", b.web.T(c, "qa.mail.review_title"), page)
}

// publishMailDraft publishes what the person kept of the draft: the first
// message kept is the question, the others its answers, each by the
// account its sender has, or extern.
func (b *Board) publishMailDraft(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	d, err := b.loadMailDraft(c)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	form := frontend.NewForm()
	for _, k := range []string{"title", "topics", "space"} {
		form.Set(k, strings.TrimSpace(c.PostForm(k)))
	}
	pub := MailPublication{DraftID: d.ID, AccountID: v.ID, Title: form.Values["title"]}
	var problems []*errs.Error
	var first = true
	for _, m := range d.Messages {
		body := strings.TrimSpace(c.PostForm(bodyField(m.Position)))
		form.Set(bodyField(m.Position), body)
		if c.PostForm(includeField(m.Position)) == "" {
			continue
		}
		form.Set(includeField(m.Position), "on")
		switch {
		case body == "":
			problems = append(problems, errs.E(errs.Invalid, "form.required").OnField(bodyField(m.Position)))
		case len(body) > 100000:
			problems = append(problems, errs.E(errs.Invalid, "form.too_long", "Max", 100000).OnField(bodyField(m.Position)))
		}
		post := PublishedPost{AuthorID: m.AuthorID, Body: body}
		if first {
			pub.Question, first = post, false
		} else {
			pub.Answers = append(pub.Answers, post)
		}
	}
	if first {
		problems = append(problems, errs.E(errs.Invalid, "qa.mail.nothing_kept").OnField(includeField(0)))
	}
	for _, f := range d.Files {
		if c.PostForm(fileField(f.ID)) != "" {
			form.Set(fileField(f.ID), "on")
			pub.FileIDs = append(pub.FileIDs, f.ID)
		}
	}
	problems = append(problems, validatePost(form, true)...)
	pub.SpaceID, _ = strconv.ParseInt(form.Values["space"], 10, 64)
	if err := b.spaces.Check(ctx, policies.SubjectOf(c), policies.Write, pub.SpaceID); err != nil {
		problems = append(problems, errs.E(errs.Invalid, "qa.space_invalid").OnField("space"))
	}
	if pub.TopicIDs, problems, err = b.topicsTyped(ctx, form, v.ID, problems); err != nil {
		b.web.Fail(c, err)
		return
	}
	if len(problems) > 0 {
		for _, p := range problems {
			form.Fail(p.Field, b.web.Message(c, p))
		}
		b.renderMailDraft(c, web.Status(errs.Invalid), d, form)
		return
	}
	id, err := b.store.PublishMailDraft(ctx, pub, func(tx pgx.Tx, id int64) error {
		if err := b.watch(ctx, tx, v.ID, id); err != nil {
			return err
		}
		return b.notify(ctx, tx, Event{Kind: "question", ActorID: v.ID, SpaceID: pub.SpaceID, QuestionID: id, TopicIDs: pub.TopicIDs,
			Title: pub.Title, URL: QuestionURL(id), Text: pub.Question.Body})
	})
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, QuestionURL(id))
}

func (b *Board) discardMailDraft(c *gin.Context) {
	d, err := b.loadMailDraft(c)
	if err == nil {
		err = b.store.DiscardMailDraft(c.Request.Context(), d.ID, d.AccountID)
	}
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, mailDraftsPath)
}

func (b *Board) mailDraftFile(c *gin.Context) {
	draftID, _ := strconv.ParseInt(c.Param("draft"), 10, 64)
	fileID, _ := strconv.ParseInt(c.Param("file"), 10, 64)
	f, err := b.store.MailDraftFile(c.Request.Context(), draftID, fileID, web.ViewerOf(c).ID)
	if err != nil || b.deps.ServeFile == nil {
		b.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	b.deps.ServeFile(c, f, "private, no-store")
}

// questionFile serves a file of a question to whoever may read it.
func (b *Board) questionFile(c *gin.Context) {
	q := questionOf(c)
	fileID, _ := strconv.ParseInt(c.Param("file"), 10, 64)
	f, err := b.store.QuestionFile(c.Request.Context(), q.ID, fileID)
	if err != nil || b.deps.ServeFile == nil {
		b.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	b.deps.ServeFile(c, f, "private, no-cache")
}

// DraftURL is where a file of a mail draft is downloaded.
func (f MailFile) DraftURL(draftID int64) string {
	return mailDraftURL(draftID) + "/dateien/" + strconv.FormatInt(f.ID, 10) + "/" + url.PathEscape(f.Filename)
}

// QuestionURL is where a file of a question is downloaded.
func (f MailFile) QuestionURL(questionID int64) string {
	return QuestionURL(questionID) + "/dateien/" + strconv.FormatInt(f.ID, 10) + "/" + url.PathEscape(f.Filename)
}
