package search

import "github.com/gin-gonic/gin"

// Routes mounts the search page; the caller requires a signed-in viewer.
func (s *Service) Routes(r gin.IRouter, a Access) {
	r.GET("/suche", func(c *gin.Context) { s.page(c, a) })
	r.GET("/suche/vorschlaege", func(c *gin.Context) { s.suggest(c, a) })
}

// APIRoutes mounts /api/v1/search.
func (s *Service) APIRoutes(r gin.IRouter, a Access) {
	r.GET("/search", func(c *gin.Context) { s.api(c, a) })
}
