package wiki

import (
	"context"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/markdown"
)

// readCache answers whether the request's viewer may read a space, asking
// the enforcer once per space.
type readCache struct {
	ctx    context.Context
	wk     *Wiki
	sub    policies.Subject
	spaces map[int64]bool
}

func (wk *Wiki) readCache(ctx context.Context, c *gin.Context) *readCache {
	return &readCache{ctx: ctx, wk: wk, sub: policies.SubjectOf(c), spaces: map[int64]bool{}}
}

func (r *readCache) can(spaceID int64) bool {
	ok, seen := r.spaces[spaceID]
	if !seen {
		ok = r.wk.spaces.Enforcer.Can(r.ctx, r.sub, policies.Read, spaceID)
		r.spaces[spaceID] = ok
	}
	return ok
}

// linkResolver tells where the wiki links of a body point for the viewer.
// Links stored for the page (pageID; 0 for text not saved yet) go to the
// page they were resolved to, wherever it lives now; the others are looked
// up by title or slug in the space they name. A link into a space the
// viewer may not read, or one that does not exist, has no address: it is
// shown as plain text, the same whether or not the page is there.
func (wk *Wiki) linkResolver(ctx context.Context, c *gin.Context, pageID int64, spaceSlug, body string) (func(space, title string) (string, bool), error) {
	stored := map[LinkKey]PageRef{}
	if pageID != 0 && len(wk.md.Links(body)) > 0 {
		var err error
		if stored, err = wk.store.LinkTargets(ctx, pageID); err != nil {
			return nil, err
		}
	}
	return wk.resolverFor(ctx, c, stored, spaceSlug, body)
}

// resolverFor is linkResolver with the links stored for the page given.
func (wk *Wiki) resolverFor(ctx context.Context, c *gin.Context, stored map[LinkKey]PageRef, spaceSlug, body string) (func(space, title string) (string, bool), error) {
	read := wk.readCache(ctx, c)
	links := linkKeys(spaceSlug, wk.md.Links(body))
	byKey := map[string][]string{}
	for _, k := range links {
		if _, ok := stored[k]; !ok {
			byKey[k.Space] = append(byKey[k.Space], k.Key)
		}
	}
	// found holds the spaces the viewer may read, each with the slugs of
	// the pages its keys name.
	found := map[string]map[string]string{}
	for space, keys := range byKey {
		// The page's own space is the one the viewer is reading.
		if space != spaceSlug {
			sp, err := wk.spaces.Store.SpaceBySlug(ctx, space)
			if errs.Is(err, errs.NotFound) || (err == nil && !read.can(sp.ID)) {
				continue
			}
			if err != nil {
				return nil, err
			}
		}
		var err error
		if found[space], err = wk.store.FindByKeys(ctx, space, keys); err != nil {
			return nil, err
		}
	}
	return func(space, title string) (string, bool) {
		key := strings.ToLower(title)
		if t, ok := stored[LinkKey{Space: space, Key: key}]; ok {
			if !read.can(t.SpaceID) {
				return "", false
			}
			return PageURL(t.SpaceSlug, t.Slug), true
		}
		slugs, readable := found[space]
		if !readable {
			return "", false
		}
		if slug, ok := slugs[key]; ok {
			return PageURL(space, slug), true
		}
		return NewPageURL(space, title), false
	}, nil
}

// exportBody is a page's Markdown with its wiki links written so that
// they still name the page they point at: a link whose target was renamed
// or moved since names its present space and title (or its slug, when the
// title cannot be written in a link). Links to pages the viewer may not
// read stay as written.
func (wk *Wiki) exportBody(ctx context.Context, c *gin.Context, p Page) (string, error) {
	stored, err := wk.store.LinkTargets(ctx, p.ID)
	if err != nil {
		return "", err
	}
	read := wk.readCache(ctx, c)
	return markdown.RewriteLinks(p.Body, func(l markdown.Link) (markdown.Link, bool) {
		space := l.Space
		if space == "" {
			space = p.SpaceSlug
		}
		t, ok := stored[LinkKey{Space: space, Key: strings.ToLower(l.Title)}]
		if !ok {
			return l, false
		}
		name, moved := presentName(t, space, l.Title, read.can)
		if !moved {
			return l, false
		}
		return markdown.Link{Space: t.SpaceSlug, Title: name}, true
	}), nil
}

// presentName is the name a wiki link to title in space carries once its
// target t was renamed or moved: the present title, or the slug when the
// title cannot be written in a link. False when the link still names its
// target, or names a page the reader may not read: it stays as written.
func presentName(t PageRef, space, title string, canRead func(int64) bool) (string, bool) {
	if !canRead(t.SpaceID) || t.SpaceSlug == space && (strings.EqualFold(t.Title, title) || strings.EqualFold(t.Slug, title)) {
		return "", false
	}
	if strings.ContainsAny(t.Title, "[]|\n\r") {
		return t.Slug, true
	}
	return t.Title, true
}
