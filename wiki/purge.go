package wiki

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/trash"
	"github.com/fachnetz/fachnetz/server/web"
)

func (wk *Wiki) purgeRevisionData(c *gin.Context) (gin.H, bool) {
	p := pageOf(c)
	n, _ := strconv.Atoi(c.Param("n"))
	rev, err := wk.store.Revision(c.Request.Context(), p.ID, n)
	if err == nil && rev.PurgedAt != nil {
		err = errs.E(errs.NotFound, "error.not_found")
	}
	if err != nil {
		wk.web.Fail(c, err)
		return nil, false
	}
	// The form says what the page shows afterwards: the newest revision
	// before this one that keeps its content.
	kept, err := wk.store.KeptRevision(c.Request.Context(), p.ID, n)
	if err != nil {
		wk.web.Fail(c, err)
		return nil, false
	}
	return gin.H{"Space": policies.SpaceOf(c), "Page": p, "Revision": rev, "Reasons": trash.Reasons,
		"Current": p.Revision, "Later": p.Revision > n, "Kept": kept, "Scope": c.DefaultPostForm("scope", "later"),
		"Action": PageURL(p.SpaceSlug, p.Slug) + "/versionen/" + strconv.Itoa(n) + "/entfernen"}, true
}

func (wk *Wiki) purgeRevisionForm(c *gin.Context) {
	if data, ok := wk.purgeRevisionData(c); ok {
		wk.renderPurge(c, http.StatusOK, data)
	}
}

func (wk *Wiki) purgeRevision(c *gin.Context) {
	data, ok := wk.purgeRevisionData(c)
	if !ok {
		return
	}
	p, n := pageOf(c), data["Revision"].(Revision).Number
	// Unless the moderator keeps them, later revisions go too: they may
	// still hold the text, and so would the page.
	later := c.DefaultPostForm("scope", "later") != "only"
	err := wk.store.PurgeRevision(c.Request.Context(), p, n, later, web.ViewerOf(c).ID, c.PostForm("reason"),
		wk.web.T(c, "trash.revision.rebuilt"), func(body string) []LinkKey { return LinkKeys(p.SpaceSlug, body) })
	if e, bad := errs.As(err); bad && e.Code == errs.Invalid {
		data["Error"] = wk.web.Message(c, e)
		wk.renderPurge(c, web.Status(e.Code), data)
		return
	}
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, PageURL(p.SpaceSlug, p.Slug)+"/versionen")
}

func (wk *Wiki) restoreVersion(c *gin.Context) {
	p := pageOf(c)
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	v, _ := strconv.ParseInt(c.Param("v"), 10, 64)
	if err := wk.store.RestoreVersion(c.Request.Context(), p.ID, id, v); err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, PageURL(p.SpaceSlug, p.Slug)+"#anhaenge")
}
