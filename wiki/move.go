package wiki

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

type movePage struct {
	Space   policies.Space
	Page    Page
	Form    *frontend.Form
	Targets []policies.Space
	Parents []Node
}

// moveForm offers the spaces the person may write in, and the pages of
// the chosen one as the new parent.
func (wk *Wiki) moveForm(c *gin.Context) {
	p := pageOf(c)
	form := frontend.NewForm()
	form.Set("space", c.DefaultQuery("bereich", p.SpaceSlug))
	if p.ParentID != nil && form.Values["space"] == p.SpaceSlug {
		form.Set("parent", strconv.FormatInt(*p.ParentID, 10))
	}
	wk.renderMove(c, http.StatusOK, form)
}

func (wk *Wiki) renderMove(c *gin.Context, status int, form *frontend.Form) {
	ctx, p, sub := c.Request.Context(), pageOf(c), policies.SubjectOf(c)
	readable, err := wk.spaces.Readable(ctx, sub)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	page := movePage{Space: policies.SpaceOf(c), Page: p, Form: form}
	for _, sp := range readable {
		if wk.spaces.Enforcer.Can(ctx, sub, policies.Write, sp.ID) {
			page.Targets = append(page.Targets, sp)
			if sp.Slug == form.Values["space"] {
				if page.Parents, err = wk.store.Tree(ctx, sp.ID); err != nil {
					wk.web.Fail(c, err)
					return
				}
			}
		}
	}
	wk.web.Render(c, status, "wiki/move", wk.web.T(c, "wiki.move.title", "Title", p.Title), page)
}

func (wk *Wiki) move(c *gin.Context) {
	ctx, p, sub := c.Request.Context(), pageOf(c), policies.SubjectOf(c)
	form := frontend.NewForm()
	form.Set("space", c.PostForm("space"))
	form.Set("parent", c.PostForm("parent"))
	target, err := wk.spaces.Store.SpaceBySlug(ctx, form.Values["space"])
	if err == nil {
		err = wk.spaces.Check(ctx, sub, policies.Write, target.ID)
	}
	if e, ok := errs.As(err); ok && policies.IsArchived(e) {
		form.Fail("space", wk.web.Message(c, e))
		wk.renderMove(c, http.StatusForbidden, form)
		return
	}
	if err != nil {
		form.Fail("space", wk.web.T(c, "wiki.move.space_invalid"))
		wk.renderMove(c, web.Status(errs.Invalid), form)
		return
	}
	var parent *int64
	if id, perr := strconv.ParseInt(form.Values["parent"], 10, 64); perr == nil && id > 0 {
		pp, perr := wk.store.PageByID(ctx, id)
		if perr != nil || pp.SpaceID != target.ID {
			form.Fail("parent", wk.web.T(c, "wiki.parent_invalid"))
			wk.renderMove(c, web.Status(errs.Invalid), form)
			return
		}
		parent = &id
	}
	moved, err := wk.store.Move(ctx, p, target.ID, parent, wk.moved(web.ViewerOf(c).ID, p.SpaceID))
	if e, ok := errs.As(err); ok && e.Field != "" {
		form.Fail(e.Field, wk.web.Message(c, e))
		wk.renderMove(c, web.Status(errs.Invalid), form)
		return
	}
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, PageURL(moved.SpaceSlug, moved.Slug))
}
