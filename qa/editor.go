package qa

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/markdown"
)

// preview renders a question, answer or their edit as the board will show
// it. Only people who may write somewhere may use it: it renders nothing
// of anyone else's, but it is a write tool.
func (b *Board) preview(c *gin.Context) {
	ctx, sub := c.Request.Context(), policies.SubjectOf(c)
	writer := false
	for _, id := range b.spaces.Enforcer.ReadableSpaces(ctx, sub) {
		if b.spaces.Enforcer.Can(ctx, sub, policies.Write, id) {
			writer = true
			break
		}
	}
	if !writer {
		b.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	body := c.PostForm("body")
	if len(body) > 100000 {
		b.web.Fail(c, errs.E(errs.Invalid, "form.too_long", "Max", 100000))
		return
	}
	html, err := b.previewOf(c, body)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	b.web.Render(c, http.StatusOK, "editor/preview", b.web.T(c, "editor.preview"), markdown.Result{HTML: html})
}

// previewOf renders a text for the preview beside the editor, also for
// the forms' "Vorschau" button without JavaScript.
func (b *Board) previewOf(c *gin.Context, body string) (template.HTML, error) {
	// The question's space, when there is one, decides the file numbers.
	res, err := b.renderText(c, strings.ReplaceAll(body, "\r\n", "\n"), "vorschau-", questionOf(c).SpaceID, true)
	return res.HTML, err
}

// showPreview renders the form's text for its "Vorschau" and hands it to
// show, which renders the form's page with it.
func (b *Board) showPreview(c *gin.Context, form *frontend.Form, show func(html template.HTML)) {
	html, err := b.previewOf(c, form.Values["body"])
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	show(html)
}

// wantsPreview reports whether the form was sent with "Vorschau".
func wantsPreview(c *gin.Context) bool { return c.PostForm("action") == "preview" }
