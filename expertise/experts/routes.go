package experts

import "github.com/gin-gonic/gin"

// Routes mounts the page; the caller requires a signed-in viewer.
func (f *Finder) Routes(r gin.IRouter) { r.GET("/experten", f.page) }

// APIRoutes mounts /api/v1/experts.
func (f *Finder) APIRoutes(r gin.IRouter) { r.GET("/experts", f.api) }
