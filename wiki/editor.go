package wiki

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
)

// preview renders the editor's text as the saved page will show it, with
// the space's wiki links and the glossary resolved. Files named in the
// text are the page's attachments when a page is edited (the route loads
// it), else the files held with the new page's draft.
func (wk *Wiki) preview(c *gin.Context) {
	body := strings.ReplaceAll(c.PostForm("body"), "\r\n", "\n")
	if len(body) > maxBody {
		wk.web.Fail(c, errs.E(errs.Invalid, "form.too_long", "Max", maxBody))
		return
	}
	res, err := wk.render(c.Request.Context(), c, policies.SpaceOf(c).Slug, body, "vorschau-")
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	wk.web.Render(c, http.StatusOK, "editor/preview", wk.web.T(c, "editor.preview"), res)
}

// pageSuggestion is what the editor inserts for a page typed after "[[".
type pageSuggestion struct {
	Label  string `json:"label"`
	Detail string `json:"detail"`
	Insert string `json:"insert"`
}

// suggestPages offers pages whose title contains what follows "[[", in
// every space the viewer may read, the editor's own space first.
func (wk *Wiki) suggestPages(c *gin.Context) {
	ctx, space := c.Request.Context(), policies.SpaceOf(c)
	q := strings.TrimSpace(c.Query("q"))
	if utf8.RuneCountInString(q) > 200 {
		q = string([]rune(q)[:200])
	}
	found, err := wk.store.SuggestPages(ctx, wk.spaces.Enforcer.ReadableSpaces(ctx, policies.SubjectOf(c)), space.ID, q, 8)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	out := make([]pageSuggestion, len(found))
	for i, p := range found {
		link := "[[" + p.Title + "]]"
		if !strings.EqualFold(p.SpaceSlug, space.Slug) {
			link = "[[" + p.SpaceSlug + ":" + p.Title + "]]"
		}
		out[i] = pageSuggestion{Label: p.Title, Detail: p.SpaceName, Insert: link}
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}
