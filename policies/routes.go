package policies

import "github.com/gin-gonic/gin"

// Routes mounts the space pages; the caller has already required a
// signed-in viewer.
func (s *Spaces) Routes(r gin.IRouter) {
	r.GET("/bereiche", s.list)
	r.GET("/bereiche/neu", s.newForm)
	r.POST("/bereiche", s.create)
	r.GET("/bereiche/:space/einstellungen", s.RequireSpace(Manage), s.settings)
	r.POST("/bereiche/:space/einstellungen", s.RequireSpace(Manage), s.saveSettings)
	r.POST("/bereiche/:space/archiv", s.RequireSpace(Manage), s.archive)
	r.POST("/bereiche/:space/mitglieder", s.RequireSpace(Manage), s.addMember)
	r.POST("/bereiche/:space/mitglieder/entfernen", s.RequireSpace(Manage), s.removeMember)
	r.POST("/bereiche/:space/chat", s.RequireSpace(Manage), s.saveChat)
}

// APIRoutes mounts the JSON API of spaces and members under /api/v1; the
// caller has already required a signed-in viewer.
func (s *Spaces) APIRoutes(r gin.IRouter) {
	r.GET("/spaces", s.apiList)
	r.POST("/spaces", s.apiCreate)
	r.GET("/spaces/:space", s.RequireSpace(Read), s.apiGet)
	r.PATCH("/spaces/:space", s.RequireSpace(Manage), s.apiUpdate)
	r.GET("/spaces/:space/members", s.RequireSpace(Read), s.apiMembers)
	r.GET("/spaces/:space/chat", s.RequireSpace(Read), s.apiChat)
	r.PUT("/spaces/:space/chat", s.RequireSpace(Manage), s.apiSetChat)
	r.PUT("/spaces/:space/members/:member", s.RequireSpace(Manage), s.apiSetMember)
	r.DELETE("/spaces/:space/members/:member", s.RequireSpace(Manage), s.apiRemoveMember)
}
