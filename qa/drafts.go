package qa

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/drafts"
	"github.com/fachnetz/fachnetz/server/web"
)

// Editors of the board that keep drafts: the question being asked, and
// the answer being written to a question.
const askDraft = "qa-ask:0"

func answerDraft(q Question) string { return "qa-answer:" + strconv.FormatInt(q.ID, 10) }

// editDraft names the editor of a question's or an answer's change.
func editDraft(q Question, a *Answer) string {
	if a != nil {
		return "qa-answer-edit:" + strconv.FormatInt(a.ID, 10)
	}
	return "qa-question:" + strconv.FormatInt(q.ID, 10)
}

// editPath is the address of the editor of a question's or an answer's
// change.
func editPath(q Question, a *Answer) string {
	if a != nil {
		return QuestionURL(q.ID) + "/antworten/" + strconv.FormatInt(a.ID, 10) + "/bearbeiten"
	}
	return QuestionURL(q.ID) + "/bearbeiten"
}

// renderEdit shows the editor of a question or an answer with its draft.
func (b *Board) renderEdit(c *gin.Context, status int, title string, page editPage) {
	if status >= http.StatusBadRequest {
		b.keepDraft(c, editDraft(page.Question, page.Answer), editPath(page.Question, page.Answer), page.Form)
	}
	form := frontend.NewForm()
	page.Draft = b.openDraft(c, editDraft(page.Question, page.Answer), editPath(page.Question, page.Answer), form)
	for name, v := range form.Values {
		if name == "base_revision" {
			page.Base, _ = strconv.Atoi(v)
			continue
		}
		page.Form.Set(name, v)
	}
	b.web.Render(c, status, "qa/edit", title, page)
}

// openDraft offers the person's draft above an editor, or fills the form
// with it when asked to restore it. Without drafts wired, or when the
// draft cannot be read, the editor still works, only without the offer.
func (b *Board) openDraft(c *gin.Context, key, path string, form *frontend.Form) drafts.Editor {
	if b.deps.Drafts == nil {
		return drafts.Editor{}
	}
	e, fields, err := b.deps.Drafts.Open(c, key, path)
	if err != nil {
		b.log.Warn("open draft", "request_id", web.RequestID(c), "err", err)
	}
	for name, v := range fields {
		form.Set(name, v)
	}
	return e
}

// keepDraft keeps the text of a refused post as the person's draft, so
// that it outlives the one showing of the refusal. Without a title or text
// there is nothing to lose, and no draft to offer.
func (b *Board) keepDraft(c *gin.Context, key, path string, form *frontend.Form) {
	if b.deps.Drafts == nil || strings.TrimSpace(form.Values["title"]+form.Values["body"]) == "" {
		return
	}
	if err := b.deps.Drafts.Keep(c, key, path); err != nil {
		b.log.Warn("keep refused text as draft", "request_id", web.RequestID(c), "err", err)
	}
}

// draftSaved ends the draft of an editor whose post was saved.
func (b *Board) draftSaved(ctx context.Context, c *gin.Context, key string) {
	if b.deps.Drafts == nil {
		return
	}
	if err := b.deps.Drafts.Remove(ctx, web.ViewerOf(c).ID, key); err != nil {
		b.log.Warn("remove draft", "request_id", web.RequestID(c), "err", err)
	}
}
