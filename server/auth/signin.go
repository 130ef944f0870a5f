package auth

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/periodic"
	"github.com/fachnetz/fachnetz/server/web"
)

// CheckPassword verifies a sign-in. Wrong password, unknown address,
// disabled account and an account without password all get the same
// answer, in about the same time. After MaxFailures wrong passwords in a
// row for one address (or MaxAddressFailures from one client) every
// attempt is refused, the right password too, until the lock expires;
// a browser with the account's device cookie is held to a count of its
// own instead of the account's, so that the person keeps signing in while
// someone else guesses. Every attempt is recorded before the password is
// checked, so parallel attempts cannot pass the limit together.
func (a *Auth) CheckPassword(ctx context.Context, email, password, clientAddr, device string) (Account, error) {
	acc, err := a.store.AccountByEmail(ctx, strings.TrimSpace(email))
	usable := err == nil && acc.PasswordHash != nil && acc.DisabledAt == nil
	own := Limit{emailKey(email), a.cfg.MaxFailures}
	if key, ok := knownDevice(device, acc, time.Now()); usable && ok {
		own = Limit{key, a.cfg.MaxFailures}
	}
	addr := Limit{"address:" + clientAddr, a.cfg.MaxAddressFailures}
	allowed, at, err := a.store.Attempt(ctx, a.cfg.LockDuration, own, addr)
	if err != nil {
		return Account{}, err
	}
	if !allowed {
		return Account{}, errs.E(errs.TooManyRequests, "auth.locked", "Minutes", int(a.cfg.LockDuration.Minutes()))
	}
	hash := a.dummyHash
	if usable {
		hash = *acc.PasswordHash
	}
	ok, verr := VerifyPassword(password, hash)
	if verr != nil {
		a.log.Error("stored password hash is malformed", "account", acc.ID)
	}
	if !usable || !ok {
		// The attempt stays recorded: it was a failure.
		return Account{}, errs.E(errs.Unauthenticated, "auth.wrong_credentials")
	}
	if err := a.store.Succeeded(ctx, at, []string{addr.Key}, []string{own.Key}); err != nil {
		return Account{}, err
	}
	return acc, nil
}

// startSession signs the browser in with a fresh session id, deleting the
// one it had, so that an id fixed by an attacker before sign-in is useless.
func (a *Auth) startSession(c *gin.Context, acc Account) error {
	var old []byte
	if id, err := c.Cookie(a.sessionCookie()); err == nil && id != "" {
		old = hashToken(id)
	}
	id := randomToken(32) // 256 bits
	if err := a.store.CreateSession(c.Request.Context(), acc.ID, hashToken(id), randomToken(32), a.cfg.SessionIdle, a.cfg.SessionMax, old); err != nil {
		return err
	}
	a.setCookie(c, a.sessionCookie(), id, 0, http.SameSiteLaxMode)
	return nil
}

// signInMessage reports whether another page may ask the sign-in page to
// show key with ?fehler=: a fixed list, so that a link cannot put words of
// its own on the page, not even a catalogue text of its choosing.
func signInMessage(key string) bool {
	switch key {
	case "auth.oidc.failed", "auth.oidc.email_unverified", "auth.oidc.no_agency", "auth.oidc.disabled":
		return true
	}
	return false
}

type signInPage struct {
	Form *frontend.Form
	Next string
	OIDC bool
}

func (a *Auth) signInForm(c *gin.Context) {
	if web.ViewerOf(c) != nil {
		c.Redirect(http.StatusSeeOther, web.LocalPath(c.Query("next")))
		return
	}
	page := signInPage{Form: frontend.NewForm(), Next: web.LocalPath(c.Query("next")), OIDC: a.oidc != nil}
	if msg := c.Query("fehler"); signInMessage(msg) {
		page.Form.Fail("email", a.web.T(c, msg))
	}
	a.web.Render(c, http.StatusOK, "auth/signin", a.web.T(c, "auth.signin.title"), page)
}

func (a *Auth) signIn(c *gin.Context) {
	form := frontend.NewForm()
	form.Set("email", strings.TrimSpace(c.PostForm("email")))
	page := signInPage{Form: form, Next: web.LocalPath(c.PostForm("next")), OIDC: a.oidc != nil}
	if form.Values["email"] == "" {
		form.Fail("email", a.web.T(c, "form.required"))
	}
	if c.PostForm("password") == "" {
		form.Fail("password", a.web.T(c, "form.required"))
	}
	if form.Failed() {
		a.web.Render(c, web.Status(errs.Invalid), "auth/signin", a.web.T(c, "auth.signin.title"), page)
		return
	}
	device, _ := c.Cookie(a.deviceCookie())
	acc, err := a.CheckPassword(c.Request.Context(), form.Values["email"], c.PostForm("password"), c.ClientIP(), device)
	if err != nil {
		if errs.CodeOf(err) == errs.Internal {
			a.web.Fail(c, err)
			return
		}
		form.Fail("email", a.web.Message(c, err))
		a.web.Render(c, web.Status(errs.CodeOf(err)), "auth/signin", a.web.T(c, "auth.signin.title"), page)
		return
	}
	if err := a.startSession(c, acc); err != nil {
		a.web.Fail(c, err)
		return
	}
	a.rememberDevice(c, acc)
	c.Redirect(http.StatusSeeOther, page.Next)
}

func (a *Auth) signOut(c *gin.Context) {
	if err := a.web.ForgetForms(c); err != nil {
		a.web.Fail(c, err)
		return
	}
	if id, err := c.Cookie(a.sessionCookie()); err == nil && id != "" {
		if err := a.store.DeleteSession(c.Request.Context(), hashToken(id)); err != nil {
			a.web.Fail(c, err)
			return
		}
	}
	a.ForgetSessionCookie(c)
	c.Redirect(http.StatusSeeOther, "/")
}

// ForgetSessionCookie clears the browser's session cookie, for when the
// session ended elsewhere (the account was erased).
func (a *Auth) ForgetSessionCookie(c *gin.Context) {
	a.setCookie(c, a.sessionCookie(), "", -1, http.SameSiteLaxMode)
}

// Sweep deletes expired sessions, old sign-in failures and old counts of
// kept texts every interval until ctx ends.
func (a *Auth) Sweep(ctx context.Context, interval time.Duration) {
	periodic.Run(ctx, interval, a.log, "sweep sessions", func(ctx context.Context) error {
		return a.store.DeleteExpired(ctx, max(a.cfg.LockDuration, parkWindow))
	})
}
