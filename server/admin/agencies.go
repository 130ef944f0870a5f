package admin

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// slugPattern is the database's rule for agency and group slugs, checked
// here first so that a wrong slug gets a message at its field.
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

type agenciesPage struct {
	Agencies []auth.AgencyWithCount
	Form     *frontend.Form
	Created  string // slug of the agency just created
}

func (a *Admin) renderAgencies(c *gin.Context, status int, page agenciesPage) {
	list, err := a.accounts.AgenciesWithCounts(c.Request.Context())
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	page.Agencies = list
	if page.Form == nil {
		page.Form = frontend.NewForm()
	}
	a.web.Render(c, status, "admin/agencies", a.web.T(c, "admin.agencies.title"), page)
}

func (a *Admin) listAgencies(c *gin.Context) {
	a.renderAgencies(c, http.StatusOK, agenciesPage{Created: c.Query("angelegt")})
}

func (a *Admin) createAgency(c *gin.Context) {
	a.createSlugName(c, func(form *frontend.Form, status int) { a.renderAgencies(c, status, agenciesPage{Form: form}) },
		func(ctx context.Context, slug, name string) (string, error) {
			g, err := a.accounts.CreateAgency(ctx, slug, name)
			return "/verwaltung/behoerden?angelegt=" + g.Slug, err
		})
}

// createSlugName creates an agency or a group from the slug-and-name form
// and follows the address create gives, or shows the form again with
// what is wrong.
func (a *Admin) createSlugName(c *gin.Context, render func(form *frontend.Form, status int),
	create func(ctx context.Context, slug, name string) (string, error)) {
	form := slugNameForm(c, a.web)
	if form.Failed() {
		render(form, web.Status(errs.Invalid))
		return
	}
	to, err := create(c.Request.Context(), form.Values["slug"], form.Values["name"])
	if err != nil {
		a.fail(c, form, "slug", err, func(status int) { render(form, status) })
		return
	}
	c.Redirect(http.StatusSeeOther, to)
}

// slugNameForm reads and checks the name and slug of a new agency or
// group; an empty slug is made from the name.
func slugNameForm(c *gin.Context, w *web.Web) *frontend.Form {
	form := frontend.NewForm()
	name := strings.TrimSpace(c.PostForm("name"))
	slug := strings.ToLower(strings.TrimSpace(c.PostForm("slug")))
	form.Set("name", name)
	form.Set("slug", slug)
	if e := errs.Length("name", name, 200); e != nil {
		form.Fail("name", w.Message(c, e))
	}
	typed := slug
	if slug == "" && name != "" {
		slug = web.Slugify(name, 63)
	}
	if (typed != "" || name != "") && !slugPattern.MatchString(slug) {
		form.Fail("slug", w.T(c, "admin.slug_invalid"))
	}
	if !form.Failed() {
		form.Set("slug", slug)
	}
	return form
}
