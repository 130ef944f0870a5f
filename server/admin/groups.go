package admin

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/errs"
)

type groupsPage struct {
	Groups []policies.Group
	Form   *frontend.Form
}

func (a *Admin) renderGroups(c *gin.Context, status int, form *frontend.Form) {
	list, err := a.groups.Groups(c.Request.Context())
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	if form == nil {
		form = frontend.NewForm()
	}
	a.web.Render(c, status, "admin/groups", a.web.T(c, "admin.groups.title"), groupsPage{Groups: list, Form: form})
}

func (a *Admin) listGroups(c *gin.Context) { a.renderGroups(c, http.StatusOK, nil) }

// createGroup leads to the new group's page, where members are added next.
func (a *Admin) createGroup(c *gin.Context) {
	a.createSlugName(c, func(form *frontend.Form, status int) { a.renderGroups(c, status, form) },
		func(ctx context.Context, slug, name string) (string, error) {
			g, err := a.groups.CreateGroup(ctx, slug, name)
			return "/verwaltung/gruppen/" + g.Slug + "?angelegt=1", err
		})
}

type groupPage struct {
	Group   policies.Group
	Members []policies.GroupMember
	Form    *frontend.Form
	Notice  string // catalogue key of a confirmation, "" for none
}

func (a *Admin) renderGroup(c *gin.Context, status int, page groupPage) {
	ctx := c.Request.Context()
	g, err := a.groups.GroupBySlug(ctx, c.Param("group"))
	if err == nil {
		page.Group = g
		page.Members, err = a.groups.GroupMembers(ctx, g.ID)
	}
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	if page.Form == nil {
		page.Form = frontend.NewForm()
	}
	a.web.Render(c, status, "admin/group", a.web.T(c, "admin.group.title", "Name", g.Name), page)
}

func (a *Admin) showGroup(c *gin.Context) {
	a.renderGroup(c, http.StatusOK, groupPage{Notice: notice(c, "admin.group.created", "admin.group.saved")})
}

// addMember takes a handle (with or without @) or an e-mail address.
func (a *Admin) addMember(c *gin.Context) {
	ctx := c.Request.Context()
	form := frontend.NewForm()
	key := strings.TrimSpace(c.PostForm("member"))
	form.Set("member", key)
	render := func(status int) { a.renderGroup(c, status, groupPage{Form: form}) }
	g, err := a.groups.GroupBySlug(ctx, c.Param("group"))
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	if key == "" {
		a.fail(c, form, "member", errs.E(errs.Invalid, "form.required"), render)
		return
	}
	var acc auth.Account
	if strings.Contains(key, "@") && !strings.HasPrefix(key, "@") {
		acc, err = a.accounts.AccountByEmail(ctx, key)
	} else {
		acc, err = a.accounts.AccountByHandle(ctx, strings.TrimPrefix(key, "@"))
	}
	if errs.Is(err, errs.NotFound) {
		// A person who is not found is a mistake in the form, not a missing page.
		err = errs.E(errs.Invalid, "admin.group.member_unknown", "Member", key)
	}
	if err == nil {
		err = a.groups.AddGroupMember(ctx, g.ID, acc.ID)
	}
	if err != nil {
		a.fail(c, form, "member", err, render)
		return
	}
	a.changed(c, "/verwaltung/gruppen/"+g.Slug+"?gespeichert=1")
}

func (a *Admin) removeMember(c *gin.Context) {
	ctx := c.Request.Context()
	g, err := a.groups.GroupBySlug(ctx, c.Param("group"))
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	id, err := strconv.ParseInt(c.PostForm("account"), 10, 64)
	if err != nil {
		a.web.Fail(c, errs.E(errs.Invalid, "error.invalid"))
		return
	}
	if err := a.groups.RemoveGroupMember(ctx, g.ID, id); err != nil {
		a.web.Fail(c, err)
		return
	}
	a.changed(c, "/verwaltung/gruppen/"+g.Slug+"?gespeichert=1")
}
