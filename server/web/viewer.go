package web

import "github.com/gin-gonic/gin"

const keyViewer = "fachnetz.viewer"

// Viewer is the signed-in person of a request, as every area sees them.
// Areas read it from here and need not know how the person signed in.
type Viewer struct {
	ID               int64
	AgencyID         int64
	Name             string
	Handle           string
	Email            string
	Admin            bool
	KnowledgeManager bool
	ViaToken         bool // authenticated by an API token, not a session
}

// SetViewer records who is signed in; the auth middleware calls it.
func SetViewer(c *gin.Context, v *Viewer) { c.Set(keyViewer, v) }

// ViewerOf returns the signed-in person, or nil for an anonymous request.
func ViewerOf(c *gin.Context) *Viewer {
	v, _ := c.Get(keyViewer)
	viewer, _ := v.(*Viewer)
	return viewer
}

const keyCSRF = "fachnetz.csrf"

// SetCSRFToken records the token forms of this request must carry.
func SetCSRFToken(c *gin.Context, token string) { c.Set(keyCSRF, token) }

// CSRFToken returns the token for forms of this request.
func CSRFToken(c *gin.Context) string { return c.GetString(keyCSRF) }
