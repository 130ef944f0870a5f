package admin

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

type accountPage struct {
	Account auth.Account
	Self    bool // the admin looks at their own account
	Roles   *frontend.Form
	Status  *frontend.Form
	Notice  string // catalogue key of a confirmation, "" for none
}

// loadAccount finds the account named in the address; false means the
// answer has been sent.
func (a *Admin) loadAccount(c *gin.Context) (auth.Account, bool) {
	acc, err := a.accounts.AccountByHandle(c.Request.Context(), c.Param("account"))
	if err != nil {
		a.web.Fail(c, err)
		return acc, false
	}
	return acc, true
}

func (a *Admin) renderAccount(c *gin.Context, status int, acc auth.Account, page accountPage) {
	page.Account, page.Self = acc, acc.ID == web.ViewerOf(c).ID
	if page.Roles == nil {
		page.Roles = frontend.NewForm()
		page.Roles.Set("admin", flag(acc.IsAdmin))
		page.Roles.Set("knowledge_manager", flag(acc.IsKnowledgeManager))
	}
	if page.Status == nil {
		page.Status = frontend.NewForm()
	}
	a.web.Render(c, status, "admin/account", a.web.T(c, "admin.account.title", "Name", acc.DisplayName), page)
}

func (a *Admin) showAccount(c *gin.Context) {
	acc, ok := a.loadAccount(c)
	if !ok {
		return
	}
	a.renderAccount(c, http.StatusOK, acc, accountPage{Notice: notice(c, "admin.account.created", "admin.account.saved")})
}

// setRoles refuses to take admin away from the person asking: the last
// admin doing so would lock everyone out of the administration.
func (a *Admin) setRoles(c *gin.Context) {
	acc, ok := a.loadAccount(c)
	if !ok {
		return
	}
	form := frontend.NewForm()
	form.Set("admin", checkbox(c, "admin"))
	form.Set("knowledge_manager", checkbox(c, "knowledge_manager"))
	admin, km := form.Values["admin"] == "1", form.Values["knowledge_manager"] == "1"
	render := func(status int) { a.renderAccount(c, status, acc, accountPage{Roles: form}) }
	if acc.ID == web.ViewerOf(c).ID && !admin {
		a.fail(c, form, "admin", errs.E(errs.Conflict, "admin.account.self_admin"), render)
		return
	}
	if err := a.accounts.SetRoles(c.Request.Context(), acc.ID, admin, km); err != nil {
		a.web.Fail(c, err)
		return
	}
	a.changed(c, "/verwaltung/konten/"+acc.Handle+"?gespeichert=1")
}

// setDisabled ends the account's sessions when disabling; the admin cannot
// disable themselves, for the same reason as in setRoles.
func (a *Admin) setDisabled(c *gin.Context) {
	acc, ok := a.loadAccount(c)
	if !ok {
		return
	}
	disable := c.PostForm("disabled") == "1"
	if acc.ID == web.ViewerOf(c).ID && disable {
		form := frontend.NewForm()
		a.fail(c, form, "disabled", errs.E(errs.Conflict, "admin.account.self_disable"), func(status int) {
			a.renderAccount(c, status, acc, accountPage{Status: form})
		})
		return
	}
	if err := a.accounts.SetDisabled(c.Request.Context(), acc.ID, disable); err != nil {
		a.web.Fail(c, err)
		return
	}
	a.changed(c, "/verwaltung/konten/"+acc.Handle+"?gespeichert=1")
}

// changed reloads the access rules after a change that affects them and
// sends the browser on, so that a reload of the page does not post again.
func (a *Admin) changed(c *gin.Context, next string) {
	if err := a.enforcer.Reload(c.Request.Context()); err != nil {
		a.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, next)
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return ""
}
