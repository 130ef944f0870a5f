package wiki

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// Promotion is a question on its way into the wiki: what the editor is
// prefilled with.
type Promotion struct {
	QuestionID int64
	URL        string // the question's address
	Title      string
	Body       string
	Topics     []string
}

// promoteForm opens the editor prefilled from a question, for the person
// taking it into the wiki to edit before anything is published.
func (wk *Wiki) promoteForm(c *gin.Context, questionID int64) {
	if wk.deps.Promotion == nil {
		wk.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	pr, err := wk.deps.Promotion(c, questionID)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	in := input{Title: pr.Title, Body: pr.Body, Topics: strings.Join(pr.Topics, ", "), Interval: 365,
		Owner: web.ViewerOf(c).Handle, Question: pr.QuestionID}
	wk.renderEditor(c, http.StatusOK, editPage{Space: policies.SpaceOf(c), Form: in.form(), Question: &pr})
}

// createPromoted creates the page from a question's editor and records it
// as the question's wiki page, once: a second save (a double click, a
// colleague at the same time) is refused instead of making a second page.
func (wk *Wiki) createPromoted(c *gin.Context, space policies.Space, in input, d Draft) (Page, error) {
	if wk.deps.Promoted == nil {
		return Page{}, errs.E(errs.NotFound, "error.not_found")
	}
	var p Page
	err := wk.deps.Promoted(c, in.Question, func() (int64, error) {
		var err error
		p, err = wk.CreatePage(c.Request.Context(), space, d, web.ViewerOf(c).ID)
		return p.ID, err
	})
	return p, err
}

// questionParam is the question named by the editor's ?frage=.
func questionParam(c *gin.Context) int64 {
	id, _ := strconv.ParseInt(c.Query("frage"), 10, 64)
	return id
}
