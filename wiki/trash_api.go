package wiki

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/web"
)

// apiTrashList is a page of the trash, newest first (?limit=&cursor=).
func (wk *Wiki) apiTrashList(c *gin.Context) {
	limit, cursor, err := web.Page(c, 100, 500)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	items, next, err := wk.deps.Trash.List(c.Request.Context(), policies.SpaceOf(c).ID, limit, cursor)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	cur := ""
	if next > 0 {
		cur = strconv.FormatInt(next, 10)
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "days": wk.deps.Trash.Days(), "next_cursor": cur})
}

func (wk *Wiki) apiTrashRestore(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	url, err := wk.deps.Trash.Restore(c.Request.Context(), policies.SpaceOf(c).ID, id)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"url": url})
}

// apiTrashPurge deletes an item for good; ?reason= names why
// (personal-data, legal, other).
func (wk *Wiki) apiTrashPurge(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	err := wk.deps.Trash.Purge(c.Request.Context(), policies.SpaceOf(c).ID, id, web.ViewerOf(c).ID, c.Query("reason"))
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
