package wiki

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/web"
)

func (wk *Wiki) deleteForm(c *gin.Context) {
	p := pageOf(c)
	wk.web.Render(c, http.StatusOK, "wiki/delete", wk.web.T(c, "wiki.delete.title", "Title", p.Title), gin.H{
		"Space": policies.SpaceOf(c), "Page": p, "Days": wk.deps.Trash.Days(),
	})
}

func (wk *Wiki) delete(c *gin.Context) {
	p := pageOf(c)
	if err := wk.Delete(c.Request.Context(), p, web.ViewerOf(c).ID); err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/bereiche/"+p.SpaceSlug+"?geloescht=1")
}

// Delete moves a page with its subpages into the space's trash.
func (wk *Wiki) Delete(ctx context.Context, p Page, by int64) error {
	return wk.store.TrashPage(ctx, wk.deps.Trash, p, by, wk.deleted(by))
}

func (wk *Wiki) apiDelete(c *gin.Context) {
	if err := wk.Delete(c.Request.Context(), pageOf(c), web.ViewerOf(c).ID); err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
