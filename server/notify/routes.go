package notify

import "github.com/gin-gonic/gin"

// Routes mounts the notification pages and the watch form; the caller has
// already required a signed-in viewer.
func (n *Notifier) Routes(r gin.IRouter) {
	r.GET("/benachrichtigungen", n.list)
	r.POST("/benachrichtigungen/:id/gelesen", n.open)
	r.POST("/benachrichtigungen/alle-gelesen", n.readAll)
	r.POST("/beobachten", n.watch)
	r.GET(SettingsPath, n.settings)
	r.POST(SettingsPath, n.saveSettings)
}

// APIRoutes mounts the JSON API of notifications under /api/v1; the caller
// has already required a signed-in viewer.
func (n *Notifier) APIRoutes(r gin.IRouter) {
	r.GET("/notifications", n.apiList)
	r.POST("/notifications/:id/read", n.apiRead)
	r.GET("/me/notification-settings", n.apiSettings)
	r.PUT("/me/notification-settings", n.apiSaveSettings)
}

// PublicRoutes mounts the unsubscribe link, which needs no sign-in and no
// CSRF token: the signed token is the authority, and a mail program's
// one-click POST (RFC 8058) carries nothing else.
func (n *Notifier) PublicRoutes(r gin.IRouter) {
	r.GET(UnsubscribePath, n.unsubscribeForm)
	r.POST(UnsubscribePath, n.unsubscribe)
}
