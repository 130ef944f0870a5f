package stats

import "github.com/gin-gonic/gin"

// Routes mounts the trends page for knowledge managers.
func (h *Handlers) Routes(r gin.IRouter) { r.GET("/trends", h.page) }

// APIRoutes mounts /api/v1/trends.
func (h *Handlers) APIRoutes(r gin.IRouter) { r.GET("/trends", h.api) }
