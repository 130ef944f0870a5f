package auth

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

type accountPage struct {
	Account       Account
	Tokens        []Token
	Password      *frontend.Form
	TokenForm     *frontend.Form
	NewToken      string
	PasswordSaved bool
}

func (a *Auth) renderAccount(c *gin.Context, status int, page accountPage) {
	v := web.ViewerOf(c)
	var err error
	if page.Account, err = a.store.AccountByID(c.Request.Context(), v.ID); err != nil {
		a.web.Fail(c, err)
		return
	}
	if page.Tokens, err = a.store.Tokens(c.Request.Context(), v.ID); err != nil {
		a.web.Fail(c, err)
		return
	}
	if page.Password == nil {
		page.Password = frontend.NewForm()
	}
	if page.TokenForm == nil {
		page.TokenForm = frontend.NewForm()
	}
	a.web.Render(c, status, "auth/account", a.web.T(c, "account.title"), page)
}

func (a *Auth) account(c *gin.Context) {
	a.renderAccount(c, http.StatusOK, accountPage{PasswordSaved: c.Query("gespeichert") == "1"})
}

// changePassword needs the current password, so that a browser left signed
// in is not enough to take the account over. An account without one signs
// in through the identity provider and gets none.
func (a *Auth) changePassword(c *gin.Context) {
	v := web.ViewerOf(c)
	form := frontend.NewForm()
	current, next, repeat := c.PostForm("current"), c.PostForm("new"), c.PostForm("repeat")
	acc, err := a.store.AccountByID(c.Request.Context(), v.ID)
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	if acc.PasswordHash == nil {
		// The account signs in through the identity provider: a password
		// here would be a second way in that the provider knows nothing of.
		a.web.Fail(c, errs.E(errs.Forbidden, "account.password.no_password"))
		return
	}
	if ok, _ := VerifyPassword(current, *acc.PasswordHash); !ok {
		form.Fail("current", a.web.T(c, "account.password.wrong_current"))
	}
	switch {
	case utf8.RuneCountInString(next) < MinPasswordLength:
		form.Fail("new", a.web.T(c, "account.password.too_short", "Min", MinPasswordLength))
	case utf8.RuneCountInString(next) > 256:
		form.Fail("new", a.web.T(c, "form.too_long", "Max", 256))
	case next != repeat:
		form.Fail("repeat", a.web.T(c, "account.password.mismatch"))
	}
	if form.Failed() {
		a.renderAccount(c, web.Status(errs.Invalid), accountPage{Password: form})
		return
	}
	hash, err := HashPassword(next)
	if err == nil {
		var keep []byte
		if id, cerr := c.Cookie(a.sessionCookie()); cerr == nil {
			keep = hashToken(id)
		}
		err = a.store.SetPassword(c.Request.Context(), v.ID, hash, keep)
	}
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/konto?gespeichert=1")
}

// NewTokenSecret returns a fresh API token and the hash under which it is
// stored.
func NewTokenSecret() (string, []byte) {
	token := "fn_" + randomToken(32)
	return token, hashToken(token)
}

func (a *Auth) createToken(c *gin.Context) {
	v := web.ViewerOf(c)
	form := frontend.NewForm()
	form.Set("name", strings.TrimSpace(c.PostForm("name")))
	if e := errs.Length("name", form.Values["name"], 100); e != nil {
		form.Fail("name", a.web.Message(c, e))
	}
	if form.Failed() {
		a.renderAccount(c, web.Status(errs.Invalid), accountPage{TokenForm: form})
		return
	}
	token, hash := NewTokenSecret()
	if _, err := a.store.CreateToken(c.Request.Context(), v.ID, form.Values["name"], hash); err != nil {
		a.web.Fail(c, err)
		return
	}
	// The secret is shown on this one response and never again.
	c.Header("Cache-Control", "no-store")
	a.renderAccount(c, http.StatusCreated, accountPage{NewToken: token})
}

func (a *Auth) revokeToken(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		a.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	if err := a.store.RevokeToken(c.Request.Context(), web.ViewerOf(c).ID, id); err != nil {
		a.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/konto#tokens")
}

func (a *Auth) me(c *gin.Context) {
	acc, err := a.store.AccountByID(c.Request.Context(), web.ViewerOf(c).ID)
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{
		"id": acc.ID, "handle": acc.Handle, "name": acc.DisplayName, "email": acc.Email,
		"agency": acc.AgencySlug, "admin": acc.IsAdmin, "knowledge_manager": acc.IsKnowledgeManager,
	})
}
