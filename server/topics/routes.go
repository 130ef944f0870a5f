package topics

import "github.com/gin-gonic/gin"

// Routes mounts the topic and glossary pages; the caller has already
// required a signed-in viewer. The pages under verwalten are for knowledge
// managers only and answer 404 to everyone else, GET and POST alike.
func (s *Topics) Routes(r gin.IRouter) {
	r.GET("/themen", s.tree)
	r.GET("/themen/:topic", s.loadTopic("/themen/"), s.show)
	r.GET("/glossar", s.glossaryPage)

	km := r.Group("", s.requireKnowledgeManager)
	km.GET("/themen/verwalten", s.manage)
	km.GET("/themen/verwalten/neu", s.newForm)
	km.POST("/themen/verwalten/neu", s.create)
	km.GET("/themen/verwalten/:topic", s.loadTopic("/themen/verwalten/"), s.edit)
	km.POST("/themen/verwalten/:topic", s.loadTopic(""), s.save)
	km.POST("/themen/verwalten/:topic/verschieben", s.loadTopic(""), s.move)
	km.POST("/themen/verwalten/:topic/synonyme", s.loadTopic(""), s.addSynonym)
	km.POST("/themen/verwalten/:topic/synonyme/entfernen", s.loadTopic(""), s.removeSynonym)
	km.POST("/themen/verwalten/:topic/zusammenfuehren", s.loadTopic(""), s.merge)
	km.POST("/themen/verwalten/:topic/loeschen", s.loadTopic(""), s.remove)

	km.GET("/glossar/verwalten", s.glossaryManage)
	km.GET("/glossar/verwalten/neu", s.termNewForm)
	km.POST("/glossar/verwalten/neu", s.termCreate)
	km.GET("/glossar/verwalten/:term", s.loadTerm, s.termEdit)
	km.POST("/glossar/verwalten/:term", s.loadTerm, s.termSave)
	km.POST("/glossar/verwalten/:term/loeschen", s.loadTerm, s.termDelete)
}

// APIRoutes mounts the JSON API of topics under /api/v1; the caller has
// already required a signed-in viewer. Topics are not secret, so changes
// by anyone but a knowledge manager answer 403, not 404.
func (s *Topics) APIRoutes(r gin.IRouter) {
	r.GET("/topics", s.apiList)
	r.GET("/topics/suggest", s.apiSuggest)
	r.GET("/topics/:topic", s.apiGet)
	r.POST("/topics", s.apiRequireKM, s.apiCreate)
	r.PUT("/topics/:topic", s.apiRequireKM, s.apiUpdate)
}
