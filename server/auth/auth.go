// Package auth signs people in and tells every request who they are:
// local accounts with argon2id passwords, sessions stored in PostgreSQL,
// personal API tokens, sign-in through the agency's OpenID provider, CSRF
// protection and limits on failed sign-ins.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// Config holds the tunable parts of signing in.
type Config struct {
	SecureCookies      bool          // the base URL is https
	SessionIdle        time.Duration // default 8 h
	SessionMax         time.Duration // default 7 days
	MaxFailures        int           // wrong passwords in a row before an account is locked
	MaxAddressFailures int           // failed sign-ins from one client address before it is locked
	LockDuration       time.Duration // how long a lock lasts after the last failure
	OIDC               *OIDCConfig   // nil when sign-in through an identity provider is off
	// Park may take a state-changing request that the CSRF check would
	// refuse, and answers true when it did: one that arrives without a
	// valid session (an editor's save after the session expired), or one
	// of a signed-in person whose form carries the token of an earlier
	// session (they signed in again in another tab meanwhile).
	Park func(c *gin.Context, p Parking) bool
}

// Parking is what the Park hook may ask about a request without a valid
// session.
type Parking struct {
	// Owner finds the account of the ended session the browser still
	// names; 0 when it names none or the session is gone (signed out,
	// or past its absolute end).
	Owner func(ctx context.Context) (int64, error)
	// Allow counts one more text kept for the client's address and
	// answers false once ParkingsPerHour were kept within the hour.
	Allow func(ctx context.Context) (bool, error)
}

// ParkingsPerHour is how many texts one client address may have kept
// within an hour without a valid session: enough for a team behind one
// proxy whose sessions ended, too few to fill the database. The count
// lives in PostgreSQL beside the failed sign-ins, so that every server
// shares it.
const ParkingsPerHour = 30

const parkWindow = time.Hour

// Auth is the sign-in service.
type Auth struct {
	cfg       Config
	store     *Store
	web       *web.Web
	log       *slog.Logger
	dummyHash string
	oidc      *oidcProvider
}

// New creates the service. The dummy hash makes a sign-in with an unknown
// address take as long as one with a known address.
func New(ctx context.Context, cfg Config, store *Store, w *web.Web, log *slog.Logger) (*Auth, error) {
	dummy, err := HashPassword("fachnetz timing equaliser")
	if err != nil {
		return nil, err
	}
	a := &Auth{cfg: cfg, store: store, web: w, log: log, dummyHash: dummy}
	if cfg.OIDC != nil {
		if a.oidc, err = newOIDCProvider(ctx, *cfg.OIDC); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Store returns the account store.
func (a *Auth) Store() *Store { return a.store }

func (a *Auth) sessionCookie() string {
	if a.cfg.SecureCookies {
		return "__Host-fachnetz_session"
	}
	return "fachnetz_session"
}

func (a *Auth) csrfCookie() string {
	if a.cfg.SecureCookies {
		return "__Host-fachnetz_csrf"
	}
	return "fachnetz_csrf"
}

func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (a *Auth) setCookie(c *gin.Context, name, value string, maxAge int, sameSite http.SameSite) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: a.cfg.SecureCookies, SameSite: sameSite,
	})
}

// Authenticate finds out who sends the request: a bearer token, else a
// session cookie, else nobody. It also enforces CSRF protection on every
// state-changing request that a browser could have been tricked into
// sending, that is every one not authenticated by a bearer token.
//
// A bearer token counts under /api/ and for reading elsewhere (the files
// and exports the API links to), never for a form and never on the
// account pages: a leaked token must not change a password or mint new
// tokens that outlive its revocation.
func (a *Auth) Authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		if h := c.GetHeader("Authorization"); h != "" {
			a.bearer(c, h)
			return
		}

		csrf := ""
		var ended []byte
		if id, err := c.Cookie(a.sessionCookie()); err == nil && id != "" {
			s, err := a.store.SessionByHash(ctx, hashToken(id))
			switch {
			case err == nil:
				web.SetViewer(c, viewerOf(s.Account))
				csrf = s.CSRFToken
				// Extend the idle time-out at most every few minutes, not
				// with a write on every request; once it has reached the
				// session's end it cannot grow any more.
				if time.Until(s.IdleExpiresAt) < a.cfg.SessionIdle-5*time.Minute && s.IdleExpiresAt.Before(s.ExpiresAt) {
					if err := a.store.ExtendSession(ctx, s.IDHash, a.cfg.SessionIdle); err != nil {
						a.log.Warn("extend session", "err", err)
					}
				}
			case errs.Is(err, errs.Unauthenticated):
				ended = hashToken(id)
				a.setCookie(c, a.sessionCookie(), "", -1, http.SameSiteLaxMode)
			default:
				a.web.Fail(c, err)
				return
			}
		}
		if csrf == "" {
			// Anonymous forms (sign-in, barrier reports) are protected by a
			// double-submit cookie.
			csrf, _ = c.Cookie(a.csrfCookie())
			if len(csrf) < 32 {
				csrf = randomToken(32)
				a.setCookie(c, a.csrfCookie(), csrf, 0, http.SameSiteStrictMode)
			}
		}
		web.SetCSRFToken(c, csrf)
		if safeMethod(c.Request.Method) {
			c.Next()
			return
		}
		if multipartBody(c.Request) {
			a.checkUpload(c, csrf)
			return
		}
		// An anonymous API call carries no authority a forged request could
		// abuse; it gets its 401 from RequireSignIn instead. The path
		// decides, never the Accept header, which another site may set.
		if web.ViewerOf(c) == nil && strings.HasPrefix(c.Request.URL.Path, "/api/") {
			c.Next()
			return
		}
		parking := Parking{Owner: func(ctx context.Context) (int64, error) {
			if ended == nil {
				return 0, nil
			}
			return a.store.EndedSessionAccount(ctx, ended)
		}, Allow: func(ctx context.Context) (bool, error) {
			ok, _, err := a.store.Attempt(ctx, parkWindow, Limit{"park:" + c.ClientIP(), ParkingsPerHour})
			return ok, err
		}}
		if web.ViewerOf(c) == nil && a.cfg.Park != nil && a.cfg.Park(c, parking) {
			return
		}
		sent := c.GetHeader("X-CSRF-Token")
		if sent == "" {
			sent = c.PostForm("csrf_token")
		}
		if subtle.ConstantTimeCompare([]byte(sent), []byte(csrf)) != 1 {
			if web.ViewerOf(c) != nil && a.cfg.Park != nil && a.cfg.Park(c, parking) {
				return
			}
			a.web.Fail(c, errs.E(errs.Forbidden, "auth.csrf_failed"))
			return
		}
		c.Next()
	}
}

func (a *Auth) bearer(c *gin.Context, header string) {
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		a.web.Fail(c, errs.E(errs.Unauthenticated, "auth.token_invalid"))
		return
	}
	path := c.Request.URL.Path
	if !strings.HasPrefix(path, "/api/") && (!safeMethod(c.Request.Method) || accountPath(path)) {
		a.web.Fail(c, errs.E(errs.Forbidden, "auth.token_api_only"))
		return
	}
	acc, err := a.store.AccountByToken(c.Request.Context(), hashToken(strings.TrimSpace(token)))
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	v := viewerOf(acc)
	v.ViaToken = true
	web.SetViewer(c, v)
	c.Next()
}

func accountPath(path string) bool { return path == "/konto" || strings.HasPrefix(path, "/konto/") }

// SessionOnly refuses requests authenticated by an API token: changing a
// password or the tokens themselves needs the person at their browser.
func (a *Auth) SessionOnly() gin.HandlerFunc {
	return func(c *gin.Context) {
		if v := web.ViewerOf(c); v != nil && v.ViaToken {
			a.web.Fail(c, errs.E(errs.Forbidden, "auth.session_required"))
			return
		}
		c.Next()
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func viewerOf(acc Account) *web.Viewer {
	return &web.Viewer{
		ID: acc.ID, AgencyID: acc.AgencyID, Name: acc.DisplayName, Handle: acc.Handle, Email: acc.Email,
		Admin: acc.IsAdmin, KnowledgeManager: acc.IsKnowledgeManager,
	}
}

// RequireSignIn sends anonymous browsers to the sign-in page and answers
// API clients with 401.
func (a *Auth) RequireSignIn() gin.HandlerFunc {
	return func(c *gin.Context) {
		if web.ViewerOf(c) != nil {
			c.Next()
			return
		}
		if web.WantsJSON(c) {
			a.web.Fail(c, errs.E(errs.Unauthenticated, "error.unauthenticated"))
			return
		}
		c.Redirect(http.StatusSeeOther, "/anmelden?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
	}
}

// RequireAdmin lets only instance admins through; others get 404, so the
// administration does not even show that it exists.
func (a *Auth) RequireAdmin() gin.HandlerFunc {
	return func(c *gin.Context) {
		if v := web.ViewerOf(c); v == nil || !v.Admin {
			a.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
			return
		}
		c.Next()
	}
}
