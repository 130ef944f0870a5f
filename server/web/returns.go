package web

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
)

// FormReturns keeps the page of a rejected form until the browser comes
// back for it after the redirect (post/redirect/get).
type FormReturns interface {
	Keep(ctx context.Context, owner []byte, target string, page []byte) (id string, err error)
	Take(ctx context.Context, id string, owner []byte, target string) (page []byte, ok bool, err error)
	Forget(ctx context.Context, owner []byte) error
}

// formCookie carries the id of the kept page to the form's address. It is
// no secret: the page is bound to the CSRF secret of the session (or, signed
// out, of the browser), which nobody else holds.
const formCookie = "fachnetz_form"

// KnowPages tells which addresses a browser may be sent back to: the GET
// routes. A form shown after another POST (a preview without JavaScript)
// sits at an address that has no page, and is answered directly.
func (w *Web) KnowPages(routes gin.RoutesInfo) {
	w.pages = w.pages[:0]
	for _, r := range routes {
		if r.Method == http.MethodGet && !strings.HasPrefix(r.Path, "/api/") {
			w.pages = append(w.pages, strings.Split(strings.Trim(r.Path, "/"), "/"))
		}
	}
}

// isPage reports whether a path matches a GET route.
func (w *Web) isPage(path string) bool {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for _, route := range w.pages {
		if matchRoute(route, parts) {
			return true
		}
	}
	return false
}

func matchRoute(route, parts []string) bool {
	for i, seg := range route {
		if strings.HasPrefix(seg, "*") {
			return true
		}
		if i >= len(parts) {
			return false
		}
		if strings.HasPrefix(seg, ":") {
			if parts[i] == "" {
				return false
			}
			continue
		}
		if seg != parts[i] {
			return false
		}
	}
	return len(parts) == len(route)
}

// formAddress is the address of the page that held the form: the Referer
// of the POST, when it is a page of this site, under the public base URL's
// host (a proxy may not pass on the Host the browser used) or the
// request's. The Referrer-Policy is same-origin, so browsers send it with
// every form of the site.
func (w *Web) formAddress(c *gin.Context) (target, path string) {
	u, err := url.Parse(c.GetHeader("Referer"))
	if err != nil || u.Host == "" || u.Host != w.PublicHost && u.Host != c.Request.Host || u.Path == "" {
		return "", ""
	}
	// A GET to an address with a trailing slash is redirected by the
	// router (RedirectTrailingSlash) before any handler runs, so the kept
	// page would wait there unseen: the redirect goes where the router
	// would send it.
	if p := u.EscapedPath(); len(p) > 1 && strings.HasSuffix(p, "/") {
		u.Path, u.RawPath = strings.TrimSuffix(u.Path, "/"), strings.TrimSuffix(u.RawPath, "/")
	}
	target = LocalPath(u.RequestURI())
	if target == "/" && u.Path != "/" || !w.isPage(u.Path) {
		return "", ""
	}
	return target, u.EscapedPath()
}

// returnable reports whether a failed form may be answered by a redirect:
// a browser's own POST (not htmx, which swaps parts of the page, nor an
// API client, which gets its status), with a CSRF secret to bind the page
// to. An edit conflict (409) stays where it is: its page is a merge of two
// versions that the form's address would not show again.
func (w *Web) returnable(c *gin.Context, status int) bool {
	return w.Returns != nil && status >= http.StatusBadRequest && status < http.StatusInternalServerError &&
		status != http.StatusConflict && status != http.StatusRequestEntityTooLarge && c.Request.Method == http.MethodPost &&
		!WantsJSON(c) && c.GetHeader("HX-Request") == "" && CSRFToken(c) != ""
}

func owner(c *gin.Context) []byte {
	sum := sha256.Sum256([]byte("form-return\x00" + CSRFToken(c)))
	return sum[:]
}

// ForgetForms deletes the pages kept for the request's session, for when
// it ends: what was typed into a refused form is not kept past sign-out.
func (w *Web) ForgetForms(c *gin.Context) error {
	if w.Returns == nil || CSRFToken(c) == "" {
		return nil
	}
	if err := w.Returns.Forget(c.Request.Context(), owner(c)); err != nil {
		return fmt.Errorf("forget form pages: %w", err)
	}
	return nil
}

// sendBack keeps a rendered page and redirects to its address; it reports
// false when the page cannot be kept, and the caller answers directly.
func (w *Web) sendBack(c *gin.Context, target, path string, page []byte) bool {
	id, err := w.Returns.Keep(c.Request.Context(), owner(c), target, page)
	if err != nil {
		w.Log.Warn("form page not kept; answered directly", "request_id", RequestID(c), "route", c.FullPath(), "err", err)
		return false
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: formCookie, Value: id, Path: path, MaxAge: 1800,
		HttpOnly: true, Secure: w.SecureCookies, SameSite: http.SameSiteLaxMode})
	c.Header("Cache-Control", "no-store")
	// The fragment replaces the one of the form's action (several lead to
	// the editor), which the browser would otherwise carry over, and
	// brings the error summary into view and the keyboard's starting
	// point to it, with JavaScript or without.
	c.Redirect(http.StatusSeeOther, target+"#error-summary")
	return true
}

// FormReturn answers the GET after a rejected form's redirect with the
// page kept for it, once, and only to the browser it was kept for.
func (w *Web) FormReturn() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := c.Cookie(formCookie)
		if w.Returns == nil || c.Request.Method != http.MethodGet || err != nil || id == "" || CSRFToken(c) == "" {
			c.Next()
			return
		}
		page, ok, err := w.Returns.Take(c.Request.Context(), id, owner(c), LocalPath(c.Request.URL.RequestURI()))
		if err != nil {
			w.Log.Warn("form page not read", "request_id", RequestID(c), "err", err)
			c.Next()
			return
		}
		// Taken, expired, or another's: either way the cookie has done its
		// work and would cost a query on every visit of the address.
		http.SetCookie(c.Writer, &http.Cookie{Name: formCookie, Value: "", Path: c.Request.URL.EscapedPath(), MaxAge: -1,
			HttpOnly: true, Secure: w.SecureCookies, SameSite: http.SameSiteLaxMode})
		if !ok {
			c.Next()
			return
		}
		c.Header("Cache-Control", "no-store")
		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
		c.Abort()
	}
}

// failedForms finds the forms with errors in a page's data: the data
// itself, one of its fields or map values, or one level below.
func failedForms(data any) []*frontend.Form {
	var out []*frontend.Form
	collectForms(reflect.ValueOf(data), 2, &out)
	return out
}

var formType = reflect.TypeOf((*frontend.Form)(nil))

func collectForms(v reflect.Value, depth int, out *[]*frontend.Form) {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer && v.Type() != formType {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	switch {
	case !v.IsValid():
	case v.Type() == formType:
		if f := v.Interface().(*frontend.Form); f != nil && f.Failed() {
			*out = append(*out, f)
		}
	case depth == 0:
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				collectForms(v.Field(i), depth-1, out)
			}
		}
	case v.Kind() == reflect.Map && v.Type().Key().Kind() == reflect.String:
		for it := v.MapRange(); it.Next(); {
			collectForms(it.Value(), depth-1, out)
		}
	}
}
