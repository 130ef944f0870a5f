package wiki

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/web"
)

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
	chat, err := wk.spaces.Store.Chat(ctx, space.ID)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	wk.web.Render(c, http.StatusOK, "wiki/space", space.Name, gin.H{
		"Chat":        chat,
		"Asked":       asked,
		"Space":       space,
		"Tree":        buildTree(space.Slug, nodes, 0),
		"Permissions": wk.spaces.PermissionsIn(ctx, policies.SubjectOf(c), space.ID),
		"Deleted":     c.Query("geloescht") == "1",
		"Imported":    countParam(c, "importiert"),
		"Unknown":     countParam(c, "unbekannt"),
		"Watch":       wk.watchButton(c, notify.WatchSpace, space.ID),
	})
}

// render turns text not saved yet into HTML, its wiki links resolved by
// title against the pages that exist now.
func (wk *Wiki) render(ctx context.Context, c *gin.Context, spaceSlug, body, idPrefix string) (markdown.Result, error) {
	return wk.renderLinked(ctx, c, 0, spaceSlug, body, idPrefix)
}

// renderLinked turns a body of page pageID into HTML, its wiki links
// resolved through the links stored for the page (see linkResolver); text
// not saved yet (pageID 0) is rendered once, not kept.
// idPrefix keeps the ids of headings and glossary tips apart from the
// layout's own (a heading "Main" must not become id="main").
func (wk *Wiki) renderLinked(ctx context.Context, c *gin.Context, pageID int64, spaceSlug, body, idPrefix string) (markdown.Result, error) {
	resolve, err := wk.linkResolver(ctx, c, pageID, spaceSlug, body)
	if err != nil {
		return markdown.Result{}, err
	}
	return wk.renderResolved(ctx, c, resolve, spaceSlug, body, idPrefix, pageID == 0)
}

// renderResolved turns a body into HTML with its wiki links resolved by
// resolve; once marks text not saved yet, rendered once.
func (wk *Wiki) renderResolved(ctx context.Context, c *gin.Context, resolve func(space, title string) (string, bool), spaceSlug, body, idPrefix string, once bool) (markdown.Result, error) {
	var glossary []markdown.Term
	if wk.deps.Glossary != nil {
		var err error
		if glossary, err = wk.deps.Glossary(ctx); err != nil {
			return markdown.Result{}, err
		}
	}
	// Every page is rendered in its space's routes: the space is the
	// request's, and its agency's file numbers apply.
	var files *markdown.FileNumbers
	if space := policies.SpaceOf(c); wk.deps.FileNumbers != nil && space.ID != 0 {
		var err error
		if files, err = wk.deps.FileNumbers(ctx, space.ID); err != nil {
			return markdown.Result{}, err
		}
	}
	return wk.md.Render(body, markdown.Options{
		CurrentSpace:   spaceSlug,
		Glossary:       glossary,
		IDPrefix:       idPrefix,
		MissingHint:    wk.web.T(c, "wiki.missing_hint"),
		ResolveURL:     wk.fileResolver(ctx, c),
		Resolve:        resolve,
		Once:           once,
		FileNumbers:    files,
		FileNumberHint: wk.web.T(c, "filenumbers.hint"),
	})
}

// LinkKeys are the outgoing links of a body as they are stored.
func LinkKeys(spaceSlug, body string) []LinkKey {
	return linkKeys(spaceSlug, markdown.Links(body))
}

func linkKeys(spaceSlug string, links []markdown.Link) []LinkKey {
	var out []LinkKey
	for _, l := range links {
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
	Tree        template.HTML
	Permissions policies.Permissions
	NeedsReview bool
	CanConfirm  bool
	Watch       any // the watch button
	Reviewed    bool
	Moved       bool   // a change sent to the page's old address is saved here
	Merged      string // the note after an edit was merged with others
	AttachError string
	// FileNumbers are the file numbers the page links, for the list
	// "Akten" beside it.
	FileNumbers []markdown.FileNumber
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
	around, err := wk.store.Surroundings(ctx, p, wk.spaces.Enforcer.ReadableSpaces(ctx, sub))
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	resolve, err := wk.resolverFor(ctx, c, around.Links, space.Slug, p.Body)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	res, err := wk.renderResolved(ctx, c, resolve, space.Slug, p.Body, "p-", false)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	page := viewPage{Space: space, Page: p, HTML: res.HTML, Headings: res.Headings, AttachError: attachError, FileNumbers: res.FileNumbers,
		Permissions: wk.spaces.PermissionsIn(ctx, sub, space.ID), NeedsReview: p.NeedsReview(time.Now()),
		CanConfirm: wk.canConfirm(c, p), Reviewed: c.Query("geprueft") == "1",
		Moved: c.Query(movedNotice) == "1", Merged: wk.mergedNote(c, p), Watch: wk.watchButton(c, notify.WatchPage, p.ID)}
	if page.Tree, err = wk.shownTree(c, space.ID, space.Slug, around.Tree, around.TreeVersion, p.ID); err != nil {
		wk.web.Fail(c, err)
		return
	}
	page.Topics, page.Backlinks = around.Topics, around.Backlinks
	page.Attachments = wk.deletable(c, p, around.Attachments)
	wk.web.Render(c, status, "wiki/view", p.Title, page)
}

// canConfirm: the page's owner, the space's moderators and knowledge
// managers may confirm that a page is still correct, unless its space is
// archived (read-only).
func (wk *Wiki) canConfirm(c *gin.Context, p Page) bool {
	v := web.ViewerOf(c)
	if v == nil || wk.spaces.Enforcer.Archived(p.SpaceID) {
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
	body, err := wk.exportBody(c.Request.Context(), c, p)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+p.Slug+`.md"`)
	c.Data(http.StatusOK, "text/markdown; charset=utf-8", []byte("# "+p.Title+"\n\n"+body))
}

// treeKey is what the tree beside a page is drawn from.
type treeKey struct {
	space, version, page int64
	slug, lang           string
}

// treeHTMLBytes bounds the trees kept: some thousand of the usual size.
const treeHTMLBytes = 8 << 20

// shownTree is the tree beside a page as HTML. Its dozens of links were a
// good part of the template work of a page view, and it changes only with
// the pages of the space (their version), so it is kept for each page
// while that version holds.
func (wk *Wiki) shownTree(c *gin.Context, space int64, spaceSlug string, nodes []Node, version, page int64) (template.HTML, error) {
	key := treeKey{space: space, version: version, page: page, slug: spaceSlug, lang: web.Lang(c)}
	if html, ok := wk.treeHTML.Get(key); ok {
		return html, nil
	}
	html, err := wk.web.Partial(c, "page-tree", pathTree(spaceSlug, nodes, page))
	if err != nil {
		return "", err
	}
	wk.treeHTML.Put(key, html)
	return html, nil
}
