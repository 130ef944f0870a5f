package auth

import "github.com/gin-gonic/gin"

// Routes mounts sign-in and the account pages.
func (a *Auth) Routes(r gin.IRouter) {
	r.GET("/anmelden", a.signInForm)
	r.POST("/anmelden", a.signIn)
	r.POST("/abmelden", a.signOut)
	if a.oidc != nil {
		r.GET("/anmelden/dienstkonto", a.oidcStart)
		r.GET("/anmelden/dienstkonto/zurueck", a.oidcCallback)
	}
	signedIn := r.Group("", a.RequireSignIn(), a.SessionOnly())
	signedIn.GET("/konto", a.account)
	signedIn.POST("/konto/passwort", a.changePassword)
	signedIn.POST("/konto/tokens", a.createToken)
	signedIn.POST("/konto/tokens/:id/widerrufen", a.revokeToken)
}

// APIRoutes mounts /api/v1/me.
func (a *Auth) APIRoutes(r gin.IRouter) {
	r.GET("/me", a.RequireSignIn(), a.me)
}
