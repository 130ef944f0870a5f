package wiki

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/trash"
	"github.com/fachnetz/fachnetz/server/web"
)

// registerTrash tells the trash how pages and attachments come back and
// which attachment contents may go.
func (wk *Wiki) registerTrash(t *trash.Trash) {
	t.Register(trash.Page, restorePage)
	t.OnPurged(trash.Page, purgedPage)
	t.Register(trash.Attachment, restoreAttachment)
	t.OnRelease(wk.removeUnused)
}

// removeUnused deletes the files of contents nothing refers to any more.
func (wk *Wiki) removeUnused(ctx context.Context, files [][]byte) {
	unused, err := wk.store.Unused(ctx, files)
	if err != nil {
		wk.log.Warn("find unused attachment contents", "err", err)
		return
	}
	for _, sum := range unused {
		if err := wk.files.Remove(sum); err != nil {
			wk.log.Warn("remove attachment content", "err", err)
		}
	}
}

// trashPage is how many entries the trash page shows at once.
const trashPage = 100

type trashView struct {
	Space   policies.Space
	Items   []trash.Item
	Next    int64
	Days    int
	Expires map[int64]time.Time
	Done    string
	Error   string
}

func (wk *Wiki) trashList(c *gin.Context) {
	wk.renderTrash(c, http.StatusOK, "")
}

func (wk *Wiki) renderTrash(c *gin.Context, status int, message string) {
	space := policies.SpaceOf(c)
	cursor, _ := strconv.ParseInt(c.Query("cursor"), 10, 64)
	items, next, err := wk.deps.Trash.List(c.Request.Context(), space.ID, trashPage, max(cursor, 0))
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	v := trashView{Space: space, Items: items, Next: next, Days: wk.deps.Trash.Days(), Expires: map[int64]time.Time{}, Error: message}
	for _, it := range items {
		v.Expires[it.ID] = it.DeletedAt.AddDate(0, 0, v.Days)
	}
	switch c.Query("erledigt") {
	case "wiederhergestellt":
		v.Done = wk.web.T(c, "trash.restored")
	case "entfernt":
		v.Done = wk.web.T(c, "trash.purged")
	}
	wk.web.Render(c, status, "wiki/trash", wk.web.T(c, "trash.title", "Space", space.Name), v)
}

func (wk *Wiki) trashRestore(c *gin.Context) {
	space := policies.SpaceOf(c)
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	url, err := wk.deps.Trash.Restore(c.Request.Context(), space.ID, id)
	if err != nil {
		if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
			wk.renderTrash(c, web.Status(errs.Conflict), wk.web.Message(c, e))
			return
		}
		wk.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, url)
}

func (wk *Wiki) trashItem(c *gin.Context) (trash.Item, bool) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	it, err := wk.deps.Trash.Get(c.Request.Context(), policies.SpaceOf(c).ID, id)
	if err != nil {
		wk.web.Fail(c, err)
		return trash.Item{}, false
	}
	return it, true
}

func (wk *Wiki) trashPurgeForm(c *gin.Context) {
	if it, ok := wk.trashItem(c); ok {
		wk.renderPurge(c, http.StatusOK, gin.H{"Space": policies.SpaceOf(c), "Item": it, "Reasons": trash.Reasons,
			"Action": "/bereiche/" + policies.SpaceOf(c).Slug + "/papierkorb/" + c.Param("id") + "/entfernen"})
	}
}

func (wk *Wiki) renderPurge(c *gin.Context, status int, data gin.H) {
	wk.web.Render(c, status, "wiki/purge", wk.web.T(c, "trash.purge.title"), data)
}

func (wk *Wiki) trashPurge(c *gin.Context) {
	it, ok := wk.trashItem(c)
	if !ok {
		return
	}
	space := policies.SpaceOf(c)
	err := wk.deps.Trash.Purge(c.Request.Context(), space.ID, it.ID, web.ViewerOf(c).ID, c.PostForm("reason"))
	if e, bad := errs.As(err); bad && e.Code == errs.Invalid {
		wk.renderPurge(c, web.Status(e.Code), gin.H{"Space": space, "Item": it, "Reasons": trash.Reasons, "Error": wk.web.Message(c, e),
			"Action": "/bereiche/" + space.Slug + "/papierkorb/" + c.Param("id") + "/entfernen"})
		return
	}
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/bereiche/"+space.Slug+"/papierkorb?erledigt=entfernt")
}
