package drafts

import "github.com/gin-gonic/gin"

// Routes mounts the editor's draft endpoints for signed-in people.
func (d *Drafts) Routes(r gin.IRouter) {
	r.POST("/entwuerfe", d.save)
	r.POST("/entwuerfe/verwerfen", d.discard)
}
