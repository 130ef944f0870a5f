package wiki

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/web"
)

// TreeItem is a page in the rendered tree, with the pages below it.
type TreeItem struct {
	Node
	URL      string      `json:"url"`
	Current  bool        `json:"-"`
	Children []*TreeItem `json:"children"`
}

// buildTree nests the flat page list of a space.
func buildTree(space string, nodes []Node, current int64) []*TreeItem {
	items := make(map[int64]*TreeItem, len(nodes))
	for _, n := range nodes {
		items[n.ID] = &TreeItem{Node: n, URL: PageURL(space, n.Slug), Current: n.ID == current}
	}
	var roots []*TreeItem
	for _, n := range nodes {
		it := items[n.ID]
		if n.ParentID != nil && items[*n.ParentID] != nil {
			parent := items[*n.ParentID]
			parent.Children = append(parent.Children, it)
			continue
		}
		roots = append(roots, it)
	}
	return roots
}

func (wk *Wiki) spaceHome(c *gin.Context) {
	ctx, space := c.Request.Context(), policies.SpaceOf(c)
	nodes, err := wk.store.Tree(ctx, space.ID)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	var asked any
	if wk.deps.Asked != nil {
		if asked, err = wk.deps.Asked(c, space.ID); err != nil {
			wk.web.Fail(c, err)
			return
		}
	}
	wk.web.Render(c, http.StatusOK, "wiki/space", space.Name, gin.H{
		"Asked":       asked,
		"Space":       space,
		"Tree":        buildTree(space.Slug, nodes, 0),
		"Permissions": wk.spaces.PermissionsIn(ctx, policies.SubjectOf(c), space.ID),
		"Deleted":     c.Query("geloescht") == "1",
	})
}

// render turns a page body into HTML with its wiki links resolved against
// the pages that exist now. A link into a space the reader may not read is
// shown as missing, so that it reveals nothing about that space. idPrefix
// keeps the ids of headings and glossary tips apart from the layout's own
// (a heading "Main" must not become id="main").
func (wk *Wiki) render(ctx context.Context, c *gin.Context, spaceSlug, body, idPrefix string) (markdown.Result, error) {
	keys := map[string][]string{}
	for _, l := range markdown.Links(body) {
		space := l.Space
		if space == "" {
			space = spaceSlug
		}
		keys[space] = append(keys[space], strings.ToLower(l.Title))
	}
	found := map[string]map[string]string{}
	sub := policies.SubjectOf(c)
	for space, ks := range keys {
		if space != spaceSlug {
			sp, err := wk.spaces.Store.SpaceBySlug(ctx, space)
			if err != nil || wk.spaces.Check(ctx, sub, policies.Read, sp.ID) != nil {
				continue
			}
		}
		m, err := wk.store.FindByKeys(ctx, space, ks)
		if err != nil {
			return markdown.Result{}, err
		}
		found[space] = m
	}
	var glossary []markdown.Term
	if wk.deps.Glossary != nil {
		var err error
		if glossary, err = wk.deps.Glossary(ctx); err != nil {
			return markdown.Result{}, err
		}
	}
	return wk.md.Render(body, markdown.Options{
		CurrentSpace: spaceSlug,
		Glossary:     glossary,
		IDPrefix:     idPrefix,
		MissingHint:  wk.web.T(c, "wiki.missing_hint"),
		Resolve: func(space, title string) (string, bool) {
			if slug, ok := found[space][strings.ToLower(title)]; ok {
				return PageURL(space, slug), true
			}
			return NewPageURL(space, title), false
		},
	})
}

// LinkKeys are the outgoing links of a body as they are stored.
func LinkKeys(spaceSlug, body string) []LinkKey {
	var out []LinkKey
	for _, l := range markdown.Links(body) {
		space := l.Space
		if space == "" {
			space = spaceSlug
		}
		out = append(out, LinkKey{Space: space, Key: strings.ToLower(l.Title)})
	}
	return out
}

type viewPage struct {
	Space       policies.Space
	Page        Page
	HTML        any
	Headings    []markdown.Heading
	Topics      []Topic
	Backlinks   []PageRef
	Attachments []Attachment
	Tree        []*TreeItem
	Permissions policies.Permissions
	NeedsReview bool
	CanConfirm  bool
	Reviewed    bool
	Merged      string // the note after an edit was merged with others
	AttachError string
}

func (wk *Wiki) view(c *gin.Context) {
	if p := pageOf(c); wk.deps.Seen != nil {
		wk.deps.Seen(c, "page", strconv.FormatInt(p.ID, 10), p.SpaceID)
	}
	wk.renderView(c, http.StatusOK, "")
}

func (wk *Wiki) renderView(c *gin.Context, status int, attachError string) {
	ctx, space, p := c.Request.Context(), policies.SpaceOf(c), pageOf(c)
	sub := policies.SubjectOf(c)
	res, err := wk.render(ctx, c, space.Slug, p.Body, "p-")
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	page := viewPage{Space: space, Page: p, HTML: res.HTML, Headings: res.Headings, AttachError: attachError,
		Permissions: wk.spaces.PermissionsIn(ctx, sub, space.ID), NeedsReview: p.NeedsReview(time.Now()),
		CanConfirm: wk.canConfirm(c, p), Reviewed: c.Query("geprueft") == "1", Merged: wk.mergedNote(c, p)}
	if page.Topics, err = wk.store.Topics(ctx, p.ID); err == nil {
		if page.Backlinks, err = wk.store.Backlinks(ctx, p, wk.spaces.Enforcer.ReadableSpaces(ctx, sub)); err == nil {
			if page.Attachments, err = wk.store.Attachments(ctx, p.ID); err == nil {
				var nodes []Node
				nodes, err = wk.store.Tree(ctx, space.ID)
				page.Tree = buildTree(space.Slug, nodes, p.ID)
			}
		}
	}
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	wk.web.Render(c, status, "wiki/view", p.Title, page)
}

// canConfirm: the page's owner, the space's moderators and knowledge
// managers may confirm that a page is still correct.
func (wk *Wiki) canConfirm(c *gin.Context, p Page) bool {
	v := web.ViewerOf(c)
	if v == nil {
		return false
	}
	if v.KnowledgeManager || (p.OwnerID != nil && *p.OwnerID == v.ID) {
		return true
	}
	return wk.spaces.Enforcer.Can(c.Request.Context(), policies.SubjectOf(c), policies.Moderate, p.SpaceID)
}

// export answers the page's Markdown source as a file.
func (wk *Wiki) export(c *gin.Context) {
	p := pageOf(c)
	c.Header("Content-Disposition", `attachment; filename="`+p.Slug+`.md"`)
	c.Data(http.StatusOK, "text/markdown; charset=utf-8", []byte("# "+p.Title+"\n\n"+p.Body))
}
