package wiki

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
)

func (wk *Wiki) deleteForm(c *gin.Context) {
	p := pageOf(c)
	wk.web.Render(c, http.StatusOK, "wiki/delete", wk.web.T(c, "wiki.delete.title", "Title", p.Title), gin.H{
		"Space": policies.SpaceOf(c), "Page": p,
	})
}

func (wk *Wiki) delete(c *gin.Context) {
	p := pageOf(c)
	if err := wk.Delete(c.Request.Context(), p); err != nil {
		if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
			wk.web.Render(c, http.StatusConflict, "wiki/delete", wk.web.T(c, "wiki.delete.title", "Title", p.Title), gin.H{
				"Space": policies.SpaceOf(c), "Page": p, "Error": wk.web.Message(c, e),
			})
			return
		}
		wk.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/bereiche/"+p.SpaceSlug+"?geloescht=1")
}

// Delete removes a page and the attachment contents only it used.
func (wk *Wiki) Delete(ctx context.Context, p Page) error {
	orphans, err := wk.store.Delete(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, sum := range orphans {
		if err := wk.files.Remove(sum); err != nil {
			wk.log.Warn("remove attachment content", "err", err)
		}
	}
	return nil
}

func (wk *Wiki) apiDelete(c *gin.Context) {
	if err := wk.Delete(c.Request.Context(), pageOf(c)); err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
