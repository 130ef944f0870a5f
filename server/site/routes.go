package site

import "github.com/gin-gonic/gin"

// Routes mounts the pages.
func (s *Site) Routes(r gin.IRouter) {
	r.GET("/", s.home)
	r.GET("/sprache", s.switchLanguage)
	r.GET("/barrierefreiheit", s.accessibility)
	r.GET("/barrierefreiheit/melden", s.reportForm)
	r.POST("/barrierefreiheit/melden", s.report)
	r.GET("/datenschutz", s.privacy)
}
