// Package site serves the pages that belong to no area: the home page, the
// legal pages every public-sector site must have, and the language switch.
package site

import (
	"context"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// Site holds the handlers of the pages of no area.
type Site struct {
	web  *web.Web
	pool *pgxpool.Pool
	// sources fill the start page of a signed-in person.
	sources Sources
}

// New creates the site handlers; sources are the areas' lists of the start
// page.
func New(w *web.Web, pool *pgxpool.Pool, sources Sources) *Site {
	return &Site{web: w, pool: pool, sources: sources}
}

// switchLanguage stores the choice in a cookie and returns to the page the
// person came from; only local paths are followed, never another host.
func (s *Site) switchLanguage(c *gin.Context) {
	lang := c.Query("lang")
	if lang == "de" || lang == "en" {
		c.SetSameSite(http.SameSiteLaxMode)
		c.SetCookie("lang", lang, 365*24*3600, "/", "", c.Request.TLS != nil, true)
	}
	c.Redirect(http.StatusSeeOther, web.LocalPath(c.Query("next")))
}

func (s *Site) accessibility(c *gin.Context) {
	s.web.Render(c, http.StatusOK, "legal/accessibility", s.web.T(c, "a11y.title"), nil)
}

// privacyRows lists, in order, every kind of personal data this instance
// stores; each name has its what/why/retention/who texts in the catalogue.
var privacyRows = []string{"account", "session", "api_token", "sign_in_failure", "oidc_identity", "membership", "authorship", "vote", "watch", "notification", "profile", "profile_photo", "draft", "trash", "purge_log", "trends", "access_log", "language", "barrier_report"}

func (s *Site) privacy(c *gin.Context) {
	s.web.Render(c, http.StatusOK, "legal/privacy", s.web.T(c, "privacy.title"), gin.H{"Rows": privacyRows})
}

type reportPage struct {
	Form *frontend.Form
	Sent bool
}

func (s *Site) reportForm(c *gin.Context) {
	form := frontend.NewForm()
	if from := c.Query("seite"); from != "" {
		form.Set("page_url", web.LocalPath(from))
	}
	s.web.Render(c, http.StatusOK, "legal/report", s.web.T(c, "report.title"), reportPage{Form: form})
}

// report stores a barrier report. A rejected report comes back with what
// was typed and a message at each field.
func (s *Site) report(c *gin.Context) {
	form := frontend.NewForm()
	for _, name := range []string{"page_url", "description", "contact"} {
		form.Set(name, strings.TrimSpace(c.PostForm(name)))
	}
	check := func(name string, max int, required bool) {
		v := form.Values[name]
		switch {
		case required && v == "":
			form.Fail(name, s.web.T(c, "form.required"))
		case utf8.RuneCountInString(v) > max:
			form.Fail(name, s.web.T(c, "form.too_long", "Max", max))
		}
	}
	check("page_url", 2000, false)
	check("description", 5000, true)
	check("contact", 320, false)
	if v := form.Values["contact"]; v != "" {
		if _, err := mail.ParseAddress(v); err != nil {
			form.Fail("contact", s.web.T(c, "form.email"))
		}
	}
	if form.Failed() {
		s.web.Render(c, web.Status(errs.Invalid), "legal/report", s.web.T(c, "report.title"), reportPage{Form: form})
		return
	}
	if err := s.saveReport(c.Request.Context(), form.Values); err != nil {
		s.web.Fail(c, err)
		return
	}
	s.web.Render(c, http.StatusOK, "legal/report", s.web.T(c, "report.title"), reportPage{Sent: true})
}

func (s *Site) saveReport(ctx context.Context, v map[string]string) error {
	var contact *string
	if v["contact"] != "" {
		contact = new(string)
		*contact = v["contact"]
	}
	_, err := s.pool.Exec(ctx,
		`INSERT INTO barrier_reports (page_url, description, contact) VALUES ($1, $2, $3)`,
		v["page_url"], v["description"], contact)
	if err != nil {
		return fmt.Errorf("save barrier report: %w", err)
	}
	return nil
}
