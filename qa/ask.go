package qa

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/drafts"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/web"
)

type askPage struct {
	Form    *frontend.Form
	Spaces  []policies.Space
	Similar []search.Hit
	Experts []Expert // people who know about the topics typed so far
	Checked bool
	Draft   drafts.Editor
	Preview template.HTML // the text rendered, after "Vorschau" without JavaScript
	// Mail is the form importing an .eml or .msg file, with its error.
	Mail *frontend.Form
}

// writableSpaces are the spaces a person may ask in.
func (b *Board) writableSpaces(c *gin.Context) ([]policies.Space, error) {
	ctx, sub := c.Request.Context(), policies.SubjectOf(c)
	readable, err := b.spaces.Readable(ctx, sub)
	var out []policies.Space
	for _, sp := range readable {
		if b.spaces.Enforcer.Can(ctx, sub, policies.Write, sp.ID) {
			out = append(out, sp)
		}
	}
	return out, err
}

func (b *Board) renderAsk(c *gin.Context, status int, page askPage) {
	var err error
	if page.Spaces, err = b.writableSpaces(c); err != nil {
		b.web.Fail(c, err)
		return
	}
	if page.Form.Values["space"] == "" {
		v := web.ViewerOf(c)
		if id, err := b.store.DefaultSpace(c.Request.Context(), v.AgencyID); err == nil && id != 0 {
			page.Form.Set("space", strconv.FormatInt(id, 10))
		}
	}
	if page.Mail == nil {
		page.Mail = frontend.NewForm()
		page.Mail.Set("mail_space", page.Form.Values["space"])
	}
	page.Draft = b.openDraft(c, askDraft, "/fragen/neu", page.Form)
	b.web.Render(c, status, "qa/ask", b.web.T(c, "qa.ask.title"), page)
}

func (b *Board) askForm(c *gin.Context) {
	form := frontend.NewForm()
	form.Set("title", c.Query("titel"))
	b.renderAsk(c, http.StatusOK, askPage{Form: form})
}

// similarTo finds questions and pages like a title, in the spaces the
// person may read: the board's main defence against duplicates.
func (b *Board) similarTo(c *gin.Context, title string) []search.Hit {
	if b.deps.Search == nil || utf8.RuneCountInString(strings.TrimSpace(title)) < 4 {
		return nil
	}
	res, err := b.deps.Search.Search(c.Request.Context(), search.Query{
		Text: title, Spaces: b.spaces.Enforcer.ReadableSpaces(c.Request.Context(), policies.SubjectOf(c)), PerPage: 10, Page: 1, Loose: true,
	})
	if err != nil {
		b.log.Warn("similar questions", "err", err)
		return nil
	}
	// Only what may already answer it; people are suggested as experts.
	var hits []search.Hit
	for _, h := range res.Hits {
		if (h.Type == "question" || h.Type == "page") && len(hits) < 5 {
			hits = append(hits, h)
		}
	}
	return hits
}

// expertsFor suggests people who know about the topics typed, before
// the question exists; the question page then offers to invite them.
func (b *Board) expertsFor(c *gin.Context, topics string) []Expert {
	names := topicNames(topics)
	if b.deps.LookupTopics == nil || b.deps.Experts == nil || len(names) == 0 {
		return nil
	}
	ids, err := b.deps.LookupTopics(c.Request.Context(), names)
	if err == nil && len(ids) == 0 {
		return nil
	}
	var list []Expert
	if err == nil {
		list, err = b.deps.Experts(c, ids, 5)
	}
	if err != nil { // a suggestion, not the task: asking goes on without it
		b.log.Warn("experts for the ask form", "err", err)
		return nil
	}
	out := list[:0]
	for _, e := range list {
		if e.Handle != web.ViewerOf(c).Handle {
			out = append(out, e)
		}
	}
	return out
}

// similar answers the htmx request the title and topics fields send
// while typing.
func (b *Board) similar(c *gin.Context) {
	b.web.Render(c, http.StatusOK, "qa/similar", "", askPage{
		Similar: b.similarTo(c, c.Query("title")), Experts: b.expertsFor(c, c.Query("topics")), Checked: true,
	})
}

func (b *Board) ask(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	form := frontend.NewForm()
	for _, k := range []string{"title", "body", "topics", "space"} {
		form.Set(k, strings.TrimSpace(c.PostForm(k)))
	}
	// Without JavaScript, "Ähnliche Fragen suchen" shows the suggestions
	// with everything typed kept.
	if c.PostForm("action") == "check" {
		b.renderAsk(c, http.StatusOK, askPage{Form: form, Similar: b.similarTo(c, form.Values["title"]), Experts: b.expertsFor(c, form.Values["topics"]), Checked: true})
		return
	}
	if wantsPreview(c) {
		b.showPreview(c, form, func(html template.HTML) { b.renderAsk(c, http.StatusOK, askPage{Form: form, Preview: html}) })
		return
	}
	spaceID, _ := strconv.ParseInt(form.Values["space"], 10, 64)
	problems := validatePost(form, true)
	if err := b.spaces.Check(ctx, policies.SubjectOf(c), policies.Write, spaceID); err != nil {
		problems = append(problems, errs.E(errs.Invalid, "qa.space_invalid").OnField("space"))
	}
	topicIDs, problems, err := b.topicsTyped(ctx, form, v.ID, problems)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	if len(problems) > 0 {
		for _, p := range problems {
			form.Fail(p.Field, b.web.Message(c, p))
		}
		b.keepDraft(c, askDraft, "/fragen/neu", form)
		b.renderAsk(c, web.Status(errs.Invalid), askPage{Form: form})
		return
	}
	id, err := b.Ask(ctx, NewQuestion{SpaceID: spaceID, Title: form.Values["title"], Body: form.Values["body"], TopicIDs: topicIDs, AuthorID: v.ID})
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	b.draftSaved(ctx, c, askDraft)
	c.Redirect(http.StatusSeeOther, QuestionURL(id))
}

// Ask saves a checked question; the asker watches it, and the watchers of
// its topics and the people mentioned hear of it.
func (b *Board) Ask(ctx context.Context, q NewQuestion) (int64, error) {
	return b.store.Ask(ctx, q, func(tx pgx.Tx, id int64) error {
		if err := b.watch(ctx, tx, q.AuthorID, id); err != nil {
			return err
		}
		return b.notify(ctx, tx, Event{Kind: "question", ActorID: q.AuthorID, SpaceID: q.SpaceID, QuestionID: id, TopicIDs: q.TopicIDs,
			Title: q.Title, URL: QuestionURL(id), Text: q.Body})
	})
}

// validatePost checks a question's (withTitle) or an answer's text.
func validatePost(form *frontend.Form, withTitle bool) []*errs.Error {
	var problems []*errs.Error
	if withTitle {
		title := form.Values["title"]
		if e := errs.Length("title", title, 200); e != nil {
			problems = append(problems, e)
		} else if utf8.RuneCountInString(title) < 5 {
			problems = append(problems, errs.E(errs.Invalid, "qa.title_short").OnField("title"))
		}
	}
	body := form.Values["body"]
	switch {
	case !withTitle && strings.TrimSpace(body) == "":
		problems = append(problems, errs.E(errs.Invalid, "form.required").OnField("body"))
	case len(body) > 100000:
		problems = append(problems, errs.E(errs.Invalid, "form.too_long", "Max", 100000).OnField("body"))
	}
	return problems
}

// topicNames splits the comma-separated topics field.
func topicNames(text string) []string {
	var names []string
	for _, n := range strings.Split(text, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

func (b *Board) resolveTopics(ctx context.Context, text string, proposer int64) ([]int64, error) {
	names := topicNames(text)
	if len(names) == 0 || b.deps.ResolveTopics == nil {
		return nil, nil
	}
	return b.deps.ResolveTopics(ctx, names, proposer)
}

// topicsTyped resolves the topics field of a form that has no problems
// yet: a name that cannot become a topic is one more problem of the form,
// and err only a failure of the server.
func (b *Board) topicsTyped(ctx context.Context, form *frontend.Form, proposer int64, problems []*errs.Error) ([]int64, []*errs.Error, error) {
	if len(problems) > 0 {
		return nil, problems, nil
	}
	ids, err := b.resolveTopics(ctx, form.Values["topics"], proposer)
	if e, ok := errs.As(err); ok && e.Code != errs.Internal {
		return nil, append(problems, e.OnField("topics")), nil
	}
	return ids, problems, err
}

func (b *Board) watch(ctx context.Context, tx pgx.Tx, accountID, questionID int64) error {
	if b.deps.Watch == nil {
		return nil
	}
	return b.deps.Watch(ctx, tx, accountID, questionID)
}
