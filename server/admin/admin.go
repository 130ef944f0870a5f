// Package admin serves /verwaltung, where instance admins manage accounts,
// agencies, groups and barrier reports in the browser. The caller mounts it
// behind RequireSignIn and RequireAdmin, so every handler here may assume
// an admin is asking; everyone else has already had a 404.
package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/filenumbers"
	"github.com/fachnetz/fachnetz/server/web"
)

// pageSize is how many rows a list shows at once.
const pageSize = 50

// Admin holds the administration's handlers and what they change.
type Admin struct {
	web      *web.Web
	accounts *auth.Store
	groups   *policies.Store
	enforcer *policies.Enforcer
	reports  *ReportStore
	files    *filenumbers.Service
}

// New wires the administration. The enforcer must learn of every change
// that affects access, so that it holds from the next request on; files
// keeps the agencies' file-number patterns.
func New(w *web.Web, accounts *auth.Store, groups *policies.Store, enf *policies.Enforcer, pool *pgxpool.Pool, files *filenumbers.Service) *Admin {
	return &Admin{web: w, accounts: accounts, groups: groups, enforcer: enf, reports: NewReportStore(pool), files: files}
}

// PurgeReports deletes resolved barrier reports past their retention. The
// report list calls it; a periodic sweep may call it too.
func (a *Admin) PurgeReports(ctx context.Context) error {
	_, err := a.reports.DeleteResolvedBefore(ctx, time.Now().Add(-ReportRetention))
	return err
}

func (a *Admin) overview(c *gin.Context) {
	open, err := a.reports.OpenReports(c.Request.Context())
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	a.web.Render(c, http.StatusOK, "admin/overview", a.web.T(c, "admin.title"), gin.H{"OpenReports": open})
}

// fail shows a rejected form again when err belongs to one of its fields
// (a taken slug, a refused change) and answers with the error page
// otherwise. render draws the page with the form at the given status.
func (a *Admin) fail(c *gin.Context, form *frontend.Form, field string, err error, render func(int)) {
	e, ok := errs.As(err)
	if !ok || e.Code == errs.Internal {
		a.web.Fail(c, err)
		return
	}
	if e.Field != "" {
		field = e.Field
	}
	form.Fail(field, a.web.Message(c, e))
	render(web.Status(e.Code))
}

// notice is the message a page shows after the redirect that follows
// creating ("?angelegt=1") or saving ("?gespeichert=1") what it shows.
func notice(c *gin.Context, created, saved string) string {
	switch {
	case c.Query("angelegt") == "1":
		return created
	case c.Query("gespeichert") == "1":
		return saved
	}
	return ""
}

// checkbox returns "1" for a ticked box, "" otherwise.
func checkbox(c *gin.Context, name string) string {
	if c.PostForm(name) == "1" {
		return "1"
	}
	return ""
}

// pager is the position in a long list and the links to its neighbours.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string
}

// pageOf reads ?seite= (1-based); anything unreadable is the first page.
func pageOf(c *gin.Context) int {
	n, err := strconv.Atoi(c.Query("seite"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// newPager builds the links from the current query, so that filters stay
// set while paging.
func newPager(c *gin.Context, page, total int) pager {
	p := pager{Page: page, Total: total, Pages: (total + pageSize - 1) / pageSize}
	link := func(n int) string {
		q := url.Values{}
		for k, v := range c.Request.URL.Query() {
			q[k] = v
		}
		q.Set("seite", strconv.Itoa(n))
		return c.Request.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}
