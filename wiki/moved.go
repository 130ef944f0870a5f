package wiki

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
)

// movedNotice is the query flag that makes a page say that it moved while
// the person was working on it and that their change is saved there.
const movedNotice = "verschoben"

// actOnMoved runs a change sent to the address a page had before it moved
// (a save from an editor opened before the move, an upload, a restore):
// a redirect would turn the POST into a GET and lose what was sent, so the
// change goes to the page where it lives now. The person needs there what
// the route needs; otherwise the answer is 404, telling nothing about the
// page or its new space.
func (wk *Wiki) actOnMoved(c *gin.Context, moved Page) {
	ctx, sub := c.Request.Context(), policies.SubjectOf(c)
	act := policies.ActionOf(c)
	if !wk.spaces.Enforcer.Can(ctx, sub, act, moved.SpaceID) || !wk.spaces.Enforcer.Can(ctx, sub, policies.Read, moved.SpaceID) {
		wk.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	space, err := wk.spaces.Store.SpaceByID(ctx, moved.SpaceID)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	policies.SetSpace(c, space)
	c.Set(keyPage, moved)
	w := c.Writer
	c.Writer = &noticeWriter{ResponseWriter: w, page: PageURL(moved.SpaceSlug, moved.Slug)}
	c.Next()
	c.Writer = w
}

// noticeWriter adds the moved notice to a redirect to the moved page, the
// answer of every handler that succeeded on a web form.
type noticeWriter struct {
	gin.ResponseWriter
	page string
}

func (w *noticeWriter) WriteHeader(code int) {
	if code >= 300 && code < 400 {
		if loc, err := url.Parse(w.Header().Get("Location")); err == nil && loc.Host == "" && loc.EscapedPath() == w.page {
			q := loc.Query()
			q.Set(movedNotice, "1")
			loc.RawQuery = q.Encode()
			w.Header().Set("Location", loc.String())
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

// pageToWrite finds the page a PUT names: the page at the address, or the
// page that lived there before it moved, which the person must be allowed
// to write in its new space (else 404). moved reports the latter; then
// space is the page's new space and the answer's Content-Location its new
// address. An address no page ever had answers errs.NotFound with moved
// false: there a PUT creates a page.
func (wk *Wiki) pageToWrite(c *gin.Context, space policies.Space, slug string) (_ policies.Space, _ Page, moved bool, _ error) {
	ctx := c.Request.Context()
	p, err := wk.store.PageBySlug(ctx, space.ID, slug)
	if !errs.Is(err, errs.NotFound) {
		return space, p, false, err
	}
	p, rerr := wk.store.Redirect(ctx, space.ID, slug)
	if errs.Is(rerr, errs.NotFound) {
		return space, p, false, err
	}
	if rerr != nil {
		return space, p, false, rerr
	}
	if !wk.spaces.Enforcer.Can(ctx, policies.SubjectOf(c), policies.Write, p.SpaceID) {
		return space, p, true, errs.E(errs.NotFound, "error.not_found")
	}
	now, err := wk.spaces.Store.SpaceByID(ctx, p.SpaceID)
	if err != nil {
		return space, p, true, err
	}
	c.Header("Content-Location", "/api/v1/spaces/"+url.PathEscape(p.SpaceSlug)+"/pages/"+url.PathEscape(p.Slug))
	return now, p, true, nil
}

// isRead reports whether a request only reads, so that following a moved
// page's address with a redirect loses nothing.
func isRead(r *http.Request) bool {
	return r.Method == http.MethodGet || r.Method == http.MethodHead
}
