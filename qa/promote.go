package qa

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/web"
)

// PromotionDraft is a question with its accepted answer, prepared for the
// wiki editor.
type PromotionDraft struct {
	QuestionID int64
	URL        string
	Title      string
	Body       string
	Topics     []string
}

// Promotion prepares question id for the wiki editor: its title, the
// question and the accepted answer as Markdown with @mentions turned into
// names (a page is read long after the conversation) where the viewer may
// know them, and its topics.
func (b *Board) Promotion(c *gin.Context, id int64) (PromotionDraft, error) {
	ctx := c.Request.Context()
	q, err := b.promotable(c, id)
	if err != nil {
		return PromotionDraft{}, err
	}
	answer, err := b.store.AnswerByID(ctx, *q.AcceptedAnswerID)
	if err != nil {
		return PromotionDraft{}, err
	}
	topics, err := b.store.Topics(ctx, q.ID)
	if err != nil {
		return PromotionDraft{}, err
	}
	question, reply := strings.TrimSpace(q.Body), strings.TrimSpace(answer.Body)
	// Only people the viewer could find anyway are named: in the directory
	// (listed profiles of their agency, of all agencies for admins) or
	// among the members of the question's space.
	v, agency := web.ViewerOf(c), int64(0)
	if !v.Admin {
		agency = v.AgencyID
	}
	names, err := b.store.DisplayNames(ctx, append(notify.Mentions(question), notify.Mentions(reply)...), v.ID, agency, q.SpaceID)
	if err != nil {
		return PromotionDraft{}, err
	}
	var body strings.Builder
	if question != "" {
		body.WriteString(withoutMentions(question, names) + "\n\n")
	}
	fmt.Fprintf(&body, "## %s\n\n%s\n\n---\n\n%s\n", b.web.T(c, "qa.promote.answer_heading"), withoutMentions(reply, names),
		b.web.T(c, "qa.promote.source", "URL", QuestionURL(q.ID)))
	d := PromotionDraft{QuestionID: q.ID, URL: QuestionURL(q.ID), Title: q.Title, Body: body.String()}
	for _, t := range topics {
		d.Topics = append(d.Topics, t.Name)
	}
	return d, nil
}

// Promoted runs create, which makes the wiki page, and records the page as
// the question's, once (see PromoteOnce).
func (b *Board) Promoted(c *gin.Context, id int64, create func() (int64, error)) error {
	q, err := b.promotable(c, id)
	if err != nil {
		return err
	}
	return b.store.PromoteOnce(c.Request.Context(), q.ID, create)
}

// promotable loads a question the viewer may take into the wiki; one they
// may not read is not found.
func (b *Board) promotable(c *gin.Context, id int64) (Question, error) {
	ctx := c.Request.Context()
	q, err := b.store.QuestionByID(ctx, id)
	if err == nil {
		err = b.spaces.Check(ctx, policies.SubjectOf(c), policies.Read, q.SpaceID)
	}
	if err == nil {
		// Promotion records the page on the question, a change in its space.
		err = b.spaces.CheckOpen(q.SpaceID)
	}
	switch {
	case err != nil:
		return q, err
	case q.WikiPageID != nil:
		return q, errs.E(errs.Conflict, "qa.promote.done")
	case !b.mayPromote(c, q):
		return q, errs.E(errs.Forbidden, "qa.promote.not_allowed")
	}
	return q, nil
}

// withoutMentions writes each "@handle" as the person's name, or as the
// bare handle when names lacks it; e-mail addresses stay as they are.
func withoutMentions(text string, names map[string]string) string {
	var out strings.Builder
	for i := 0; i < len(text); {
		if text[i] != '@' || !mentionStart(text, i) {
			out.WriteByte(text[i])
			i++
			continue
		}
		j := i + 1
		for j < len(text) && isHandleByte(text[j]) {
			j++
		}
		handle := strings.TrimRight(text[i+1:j], "._-")
		if len(handle) < 2 {
			out.WriteByte('@')
			i++
			continue
		}
		if name, ok := names[strings.ToLower(handle)]; ok {
			out.WriteString(name)
		} else {
			out.WriteString(handle)
		}
		i += 1 + len(handle)
	}
	return out.String()
}

func mentionStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	return !(unicode.IsLetter(prev) || unicode.IsDigit(prev) || strings.ContainsRune("._-/+\\@`", prev))
}

func isHandleByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}
