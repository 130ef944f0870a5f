// Package web is the HTTP platform every area shares: the middleware chain,
// content negotiation, the one mapping from error code to status, and
// rendering of pages with the request's language.
package web

import (
	"bytes"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// Keys of values the middleware stores on the gin context.
const (
	keyRequestID = "fachnetz.request_id"
	keyLang      = "fachnetz.lang"
	// UnreadKey holds the viewer's count of unread notifications, which
	// the notifications' middleware sets for the header.
	UnreadKey = "fachnetz.unread"
)

// Web holds what rendering needs; handlers of every area use one.
type Web struct {
	Frontend *frontend.Frontend
	Log      *slog.Logger
	// Returns keeps the pages of rejected forms for the redirect back to
	// the form; without it a rejected form is answered directly with its
	// status (422).
	Returns       FormReturns
	SecureCookies bool
	// PublicHost is the host of the public base URL, which a form's
	// Referer names even when a proxy does not pass the Host on.
	PublicHost string
	pages      [][]string // the GET routes, split at "/"
}

// Status maps an error code to its HTTP status. It is the only place that
// does so.
func Status(code errs.Code) int {
	switch code {
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthenticated:
		return http.StatusUnauthorized
	case errs.TooManyRequests:
		return http.StatusTooManyRequests
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// WantsJSON reports whether the client asked for JSON: every API route, and
// any request that prefers JSON over HTML.
func WantsJSON(c *gin.Context) bool {
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		return true
	}
	accept := c.GetHeader("Accept")
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}

// RequestID returns the id of the current request.
func RequestID(c *gin.Context) string { return c.GetString(keyRequestID) }

// Lang returns the interface language of the current request.
func Lang(c *gin.Context) string {
	if l := c.GetString(keyLang); l != "" {
		return l
	}
	return "de"
}

// T translates a catalogue message into the request's language.
func (w *Web) T(c *gin.Context, id string, args ...any) string {
	return w.Frontend.Translate(Lang(c), id, args...)
}

// Message translates the person-readable part of an error.
func (w *Web) Message(c *gin.Context, err error) string {
	if e, ok := errs.As(err); ok && e.Key != "" && w.Frontend.HasMessage(e.Key) {
		return w.T(c, e.Key, e.Pairs()...)
	}
	return w.T(c, "error."+string(errs.CodeOf(err)))
}

// Fail answers with the error: JSON for API clients, an error page for
// browsers. Internal errors are logged with the request id and shown only
// as that id, so that nothing internal reaches the client.
func (w *Web) Fail(c *gin.Context, err error) {
	code := errs.CodeOf(err)
	if code == errs.Internal && postgres.Unavailable(err) {
		// Clients and proxies retry a 503; a 500 says the request itself
		// is at fault.
		code = errs.Unavailable
		c.Header("Retry-After", "5")
		w.Log.Warn("database unavailable", "request_id", RequestID(c), "route", c.FullPath(), "err", err)
		w.FailStatus(c, Status(code), code, w.T(c, "error.unavailable"))
		return
	}
	if code == errs.Internal {
		w.Log.Error("request failed", "request_id", RequestID(c), "route", c.FullPath(), "err", err)
	}
	w.FailStatus(c, Status(code), code, w.Message(c, err))
}

// FailStatus answers with an explicit status, for errors that arise in the
// HTTP layer itself (no route, wrong method, body too large).
func (w *Web) FailStatus(c *gin.Context, status int, code errs.Code, message string) {
	if WantsJSON(c) {
		c.AbortWithStatusJSON(status, gin.H{"error": gin.H{"code": code, "message": message}})
		return
	}
	heading := w.T(c, "error."+string(code)+".heading")
	c.Abort()
	w.Render(c, status, "errors/error", heading, gin.H{"Heading": heading, "Message": message, "Status": status})
}

// Render writes a page in the request's language. title is already
// translated. A page that shows a rejected form says so in its title; a
// browser's rejected form is kept and answered with a redirect to the page
// that held it (see FormReturn), so that a reload does not send it again.
func (w *Web) Render(c *gin.Context, status int, name, title string, data any) {
	var forms []*frontend.Form
	if status >= http.StatusBadRequest {
		forms = failedForms(data)
	}
	failed := len(forms) > 0
	if failed && title != "" {
		title = w.T(c, "form.errors_title", "Title", title)
	}
	page := &frontend.Page{
		Lang:      Lang(c),
		Title:     title,
		Path:      c.Request.URL.Path,
		RequestID: RequestID(c),
		CSRF:      CSRFToken(c),
		Unread:    c.GetInt(UnreadKey),
		Data:      data,
	}
	if v := ViewerOf(c); v != nil {
		page.Viewer = &frontend.Viewer{Name: v.Name, Handle: v.Handle, Admin: v.Admin, KnowledgeManager: v.KnowledgeManager}
	}
	if !failed {
		c.Header("Content-Type", "text/html; charset=utf-8")
		c.Status(status)
		if err := w.Frontend.Render(c.Writer, name, page); err != nil {
			w.Log.Error("render failed", "request_id", page.RequestID, "template", name, "err", err)
			if !c.Writer.Written() {
				c.String(http.StatusInternalServerError, "internal error (%s)", page.RequestID)
			}
		}
		return
	}
	target, path := "", ""
	if w.returnable(c, status) {
		if target, path = w.formAddress(c); target != "" {
			page.Path = strings.SplitN(target, "?", 2)[0]
		}
	}
	var buf bytes.Buffer
	err := w.Frontend.Render(&buf, name, page)
	if err == nil {
		// The error summary stands above the fields and names them by
		// their labels, known once the fields have rendered.
		labels := frontend.LabelsIn(buf.Bytes())
		for _, f := range forms {
			f.ShowLabels(labels)
		}
		buf.Reset()
		err = w.Frontend.Render(&buf, name, page)
	}
	if err != nil {
		w.Log.Error("render failed", "request_id", page.RequestID, "template", name, "err", err)
		c.String(http.StatusInternalServerError, "internal error (%s)", page.RequestID)
		return
	}
	if target != "" && w.sendBack(c, target, path, buf.Bytes()) {
		return
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(status)
	if _, err := buf.WriteTo(c.Writer); err != nil {
		w.Log.Debug("response not written", "request_id", page.RequestID, "err", err)
	}
}

// Partial renders a shared template in the request's language.
func (w *Web) Partial(c *gin.Context, name string, data any) (template.HTML, error) {
	return w.Frontend.Partial(Lang(c), name, data)
}

// Bind decodes a JSON body, answering 400-class errors in the API's shape.
func Bind(c *gin.Context, v any) error {
	if err := c.ShouldBindJSON(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errs.E(errs.Invalid, "error.body_too_large")
		}
		return errs.E(errs.Invalid, "error.invalid")
	}
	return nil
}

// LocalPath returns p when it is a path on this site, re-serialised, else
// "/", so that a crafted link cannot redirect to another host. Browsers
// drop tabs and newlines from a URL and read a backslash as a slash, so
// "/\t/host", "/%09/host" after a proxy decoded it, and "/\\host" would
// lead away: a control character or backslash anywhere, raw or
// percent-encoded, refuses.
func LocalPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || unsafeInPath(p) {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	query, err := url.QueryUnescape(u.RawQuery)
	if err != nil || unsafeInPath(u.Path) || unsafeInPath(query) || unsafeInPath(u.Fragment) {
		return "/"
	}
	out := (&url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery, Fragment: u.Fragment, RawFragment: u.RawFragment}).String()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
		return "/"
	}
	return out
}

func unsafeInPath(s string) bool {
	return !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\\' })
}

// Page reads the ?limit= and ?cursor= of a paginated list. The cursor is
// the id of the last item of the previous page.
func Page(c *gin.Context, def, max int) (limit int, cursor int64, err error) {
	limit = def
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > max {
			return 0, 0, errs.E(errs.Invalid, "error.limit_invalid", "Max", max)
		}
		limit = n
	}
	if v := c.Query("cursor"); v != "" {
		if cursor, err = strconv.ParseInt(v, 10, 64); err != nil || cursor < 0 {
			return 0, 0, errs.E(errs.Invalid, "error.cursor_invalid")
		}
	}
	return limit, cursor, nil
}
