package admin

import (
	"net/http"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

type accountsPage struct {
	Accounts []auth.Account
	Agencies []auth.Agency
	Agency   string // slug of the agency filter, "" for all
	Query    string
	Pager    pager
}

// listAccounts is a GET form, so that a filtered list works without
// JavaScript and its address can be bookmarked.
func (a *Admin) listAccounts(c *gin.Context) {
	ctx := c.Request.Context()
	agencies, err := a.accounts.Agencies(ctx)
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	page := accountsPage{Agencies: agencies, Agency: c.Query("behoerde"), Query: strings.TrimSpace(c.Query("q"))}
	filter := auth.AccountFilter{Query: page.Query, Limit: pageSize, Offset: (pageOf(c) - 1) * pageSize}
	if page.Agency != "" {
		filter.AgencyID = -1 // an unknown agency has no accounts
		for _, g := range agencies {
			if g.Slug == page.Agency {
				filter.AgencyID = g.ID
			}
		}
	}
	list, total, err := a.accounts.SearchAccounts(ctx, filter)
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	page.Accounts, page.Pager = list, newPager(c, pageOf(c), total)
	a.web.Render(c, http.StatusOK, "admin/accounts", a.web.T(c, "admin.accounts.title"), page)
}

type newAccountPage struct {
	Form        *frontend.Form
	Agencies    []auth.Agency
	MinPassword int
}

func (a *Admin) renderNewAccount(c *gin.Context, status int, form *frontend.Form) {
	agencies, err := a.accounts.Agencies(c.Request.Context())
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	a.web.Render(c, status, "admin/account_new", a.web.T(c, "admin.accounts.new.title"), newAccountPage{Form: form, Agencies: agencies, MinPassword: auth.MinPasswordLength})
}

func (a *Admin) newAccount(c *gin.Context) {
	form := frontend.NewForm()
	form.Set("agency", c.Query("behoerde"))
	a.renderNewAccount(c, http.StatusOK, form)
}

var handlePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`)

// createAccount checks every field before saving, so that one answer lists
// all problems; the password is never sent back into the page.
func (a *Admin) createAccount(c *gin.Context) {
	ctx := c.Request.Context()
	form := frontend.NewForm()
	for _, name := range []string{"agency", "email", "name", "handle"} {
		form.Set(name, strings.TrimSpace(c.PostForm(name)))
	}
	form.Set("handle", strings.ToLower(form.Values["handle"]))
	form.Set("admin", checkbox(c, "admin"))
	form.Set("knowledge_manager", checkbox(c, "knowledge_manager"))
	password, v := c.PostForm("password"), form.Values
	render := func(status int) { a.renderNewAccount(c, status, form) }

	var agency auth.Agency
	var err error
	if v["agency"] == "" {
		form.Fail("agency", a.web.T(c, "admin.accounts.agency_required"))
	} else if agency, err = a.accounts.AgencyBySlug(ctx, v["agency"]); errs.Is(err, errs.NotFound) {
		form.Fail("agency", a.web.Message(c, err))
	} else if err != nil {
		a.web.Fail(c, err)
		return
	}
	if addr, err := mail.ParseAddress(v["email"]); v["email"] == "" {
		form.Fail("email", a.web.T(c, "form.required"))
	} else if err != nil || addr.Address != v["email"] || len(v["email"]) > 320 {
		form.Fail("email", a.web.T(c, "form.email"))
	}
	if e := errs.Length("name", v["name"], 200); e != nil {
		form.Fail("name", a.web.Message(c, e))
	}
	if v["handle"] != "" && !handlePattern.MatchString(v["handle"]) {
		form.Fail("handle", a.web.T(c, "admin.accounts.handle_invalid"))
	}
	if n := utf8.RuneCountInString(password); n > 0 && n < auth.MinPasswordLength {
		form.Fail("password", a.web.T(c, "account.password.too_short", "Min", auth.MinPasswordLength))
	} else if n > 256 {
		form.Fail("password", a.web.T(c, "form.too_long", "Max", 256))
	}
	if form.Failed() {
		render(web.Status(errs.Invalid))
		return
	}

	// No password means the person signs in through the identity provider.
	var hash *string
	if password != "" {
		h, err := auth.HashPassword(password)
		if err != nil {
			a.web.Fail(c, err)
			return
		}
		hash = &h
	}
	handle := v["handle"]
	if handle == "" {
		if handle, err = a.accounts.FreeHandle(ctx, v["email"]); err != nil {
			a.fail(c, form, "handle", err, render)
			return
		}
	}
	acc, err := a.accounts.CreateAccount(ctx, auth.NewAccount{
		AgencyID: agency.ID, Email: v["email"], DisplayName: v["name"], Handle: handle, PasswordHash: hash,
		Admin: v["admin"] == "1", KnowledgeManager: v["knowledge_manager"] == "1",
	})
	if err != nil {
		a.fail(c, form, "email", err, render)
		return
	}
	a.changed(c, "/verwaltung/konten/"+acc.Handle+"?angelegt=1")
}
