package wiki

import (
	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
)

// Routes mounts the wiki's pages; the caller has required a signed-in
// viewer. Every route that names a space checks access first.
func (wk *Wiki) Routes(r gin.IRouter) {
	read, write, moderate := wk.spaces.RequireSpace(policies.Read), wk.spaces.RequireSpace(policies.Write), wk.spaces.RequireSpace(policies.Moderate)
	manage := wk.spaces.RequireSpace(policies.Manage)
	r.GET("/bereiche/:space", read, wk.spaceHome)
	r.GET("/bereiche/:space/neu", write, wk.newForm)
	r.POST("/bereiche/:space/seiten", write, wk.create)
	r.POST("/bereiche/:space/vorschau", write, wk.preview)
	r.GET("/bereiche/:space/seitenvorschlaege", read, wk.suggestPages)
	// Fixed words under a space never meet a page's slug: pages live under /seiten/.
	r.GET("/bereiche/:space/export", read, wk.exportSpace)
	r.GET("/bereiche/:space/einstellungen/import", manage, wk.importForm)
	r.POST("/bereiche/:space/einstellungen/import", manage, wk.importUpload)
	r.GET("/bereiche/:space/seiten/:page", read, wk.loadPage, wk.view)
	r.GET("/bereiche/:space/seiten/:page/export.md", read, wk.loadPage, wk.export)
	r.GET("/bereiche/:space/seiten/:page/bearbeiten", write, wk.loadPage, wk.editForm)
	r.POST("/bereiche/:space/seiten/:page/bearbeiten", write, wk.loadPage, wk.save)
	r.POST("/bereiche/:space/seiten/:page/vorschau", write, wk.loadPage, wk.preview)
	r.GET("/bereiche/:space/seiten/:page/versionen", read, wk.loadPage, wk.history)
	r.GET("/bereiche/:space/seiten/:page/versionen/:n", read, wk.loadPage, wk.revision)
	r.GET("/bereiche/:space/seiten/:page/vergleich", read, wk.loadPage, wk.compare)
	r.POST("/bereiche/:space/seiten/:page/versionen/:n/wiederherstellen", write, wk.loadPage, wk.restore)
	r.GET("/bereiche/:space/seiten/:page/verschieben", moderate, wk.loadPage, wk.moveForm)
	r.POST("/bereiche/:space/seiten/:page/verschieben", moderate, wk.loadPage, wk.move)
	r.POST("/bereiche/:space/seiten/:page/geprueft", read, wk.loadPage, wk.confirmReview)
	r.GET("/bereiche/:space/seiten/:page/loeschen", moderate, wk.loadPage, wk.deleteForm)
	r.POST("/bereiche/:space/seiten/:page/loeschen", moderate, wk.loadPage, wk.delete)
	r.POST("/bereiche/:space/seiten/:page/anhaenge", write, wk.loadPage, wk.upload)
	r.POST("/bereiche/:space/seiten/:page/anhaenge/:id/loeschen", write, wk.loadPage, wk.deleteAttachment)
	r.GET("/anhaenge/:id/:name", wk.download)
	r.POST("/bereiche/:space/neu/anhaenge", write, wk.uploadInEditor)
	r.POST("/bereiche/:space/seiten/:page/editor/anhaenge", write, wk.loadPage, wk.uploadInEditor)
	r.GET("/entwuerfe/dateien/:id/:name", wk.heldFile)
	r.GET("/pruefung", wk.reviewQueue)
	wk.trashRoutes(r, write, moderate)
}

// APIRoutes mounts the wiki's JSON API under /api/v1; the caller has
// required a signed-in viewer.
func (wk *Wiki) APIRoutes(r gin.IRouter) {
	read, write := wk.spaces.RequireSpace(policies.Read), wk.spaces.RequireSpace(policies.Write)
	r.GET("/spaces/:space/pages", read, wk.apiTree)
	r.GET("/spaces/:space/pages/:page", read, wk.loadPage, wk.apiGet)
	r.PUT("/spaces/:space/pages/:page", write, wk.apiPut)
	r.DELETE("/spaces/:space/pages/:page", wk.spaces.RequireSpace(policies.Moderate), wk.loadPage, wk.apiDelete)
	r.GET("/spaces/:space/pages/:page/revisions", read, wk.loadPage, wk.apiRevisions)
	r.GET("/spaces/:space/pages/:page/revisions/:n", read, wk.loadPage, wk.apiRevision)
	r.POST("/spaces/:space/pages/:page/restore/:n", write, wk.loadPage, wk.apiRestore)
	r.POST("/spaces/:space/pages/:page/attachments", write, wk.loadPage, wk.apiUpload)
	r.GET("/spaces/:space/pages/:page/backlinks", read, wk.loadPage, wk.apiBacklinks)
	r.GET("/attachments/:id", func(c *gin.Context) {
		c.Params = append(c.Params, gin.Param{Key: "name", Value: ""})
		wk.download(c)
	})
	wk.apiTrashRoutes(r)
}

// trashRoutes mounts a space's trash, attachment versions and purging;
// the trash and purging are for moderators.
func (wk *Wiki) trashRoutes(r gin.IRouter, write, moderate gin.HandlerFunc) {
	r.GET("/bereiche/:space/papierkorb", moderate, wk.trashList)
	r.POST("/bereiche/:space/papierkorb/:id/wiederherstellen", moderate, wk.trashRestore)
	r.GET("/bereiche/:space/papierkorb/:id/entfernen", moderate, wk.trashPurgeForm)
	r.POST("/bereiche/:space/papierkorb/:id/entfernen", moderate, wk.trashPurge)
	r.POST("/bereiche/:space/seiten/:page/anhaenge/:id/versionen/:v/wiederherstellen", write, wk.loadPage, wk.restoreVersion)
	r.GET("/bereiche/:space/seiten/:page/versionen/:n/entfernen", moderate, wk.loadPage, wk.purgeRevisionForm)
	r.POST("/bereiche/:space/seiten/:page/versionen/:n/entfernen", moderate, wk.loadPage, wk.purgeRevision)
}

// apiTrashRoutes lets moderators list, restore and purge a space's trash.
func (wk *Wiki) apiTrashRoutes(r gin.IRouter) {
	moderate := wk.spaces.RequireSpace(policies.Moderate)
	r.GET("/spaces/:space/trash", moderate, wk.apiTrashList)
	r.POST("/spaces/:space/trash/:id/restore", moderate, wk.apiTrashRestore)
	r.DELETE("/spaces/:space/trash/:id", moderate, wk.apiTrashPurge)
}
