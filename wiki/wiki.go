// Package wiki holds Markdown pages in spaces: their full history, links
// and backlinks, topics, attachments, templates and review dates.
package wiki

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/bounded"
	"github.com/fachnetz/fachnetz/server/drafts"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/trash"
	"github.com/fachnetz/fachnetz/server/web"
)

// Wiki is the wiki service and its handlers.
type Wiki struct {
	store  *Store
	spaces *policies.Spaces
	md     *markdown.Renderer
	web    *web.Web
	log    *slog.Logger
	files  *FileStore
	deps   Deps
	// treeHTML keeps the rendered tree beside a page (see shownTree).
	treeHTML *bounded.Map[treeKey, template.HTML]
	// exports holds a place for each space export being written.
	exports chan struct{}
}

// Deps are what the wiki needs from other parts, given by the wiring so
// that the wiki does not import them.
type Deps struct {
	// ResolveTopics maps the topic names a person typed to topic ids,
	// proposing unknown names as new topics.
	ResolveTopics func(ctx context.Context, names []string, proposer int64) ([]int64, error)
	// UnknownTopics checks names as ResolveTopics does and returns those
	// it would propose as new topics (lower-case), proposing nothing.
	UnknownTopics func(ctx context.Context, names []string) ([]string, error)
	// Glossary returns the glossary terms to mark up in rendered pages.
	Glossary func(ctx context.Context) ([]markdown.Term, error)
	// FileNumbers returns the file-number patterns that apply in a space
	// (its agency's), linked in rendered pages. Nil: none.
	FileNumbers func(ctx context.Context, spaceID int64) (*markdown.FileNumbers, error)
	// MaxUpload is the largest attachment in bytes.
	MaxUpload int64
	// Seen is told of every page view, for the anonymised trends.
	Seen func(c *gin.Context, kind, item string, spaceID int64)
	// Asked is what is read in a space this week, for its home page; the
	// template "asked-this-week" renders it. Nil: not shown.
	Asked func(c *gin.Context, spaceID int64) (any, error)
	// Trash keeps deleted pages and attachments for a while.
	Trash *trash.Trash
	// Drafts keeps what is typed in the editor until it is saved. Nil:
	// no drafts.
	Drafts *drafts.Drafts
	// Promotion loads a question the viewer takes into the wiki, checking
	// that they may, as the editor's prefill.
	Promotion func(c *gin.Context, questionID int64) (Promotion, error)
	// Promoted runs create and records the page as the question's wiki
	// page, refusing when the question has one already.
	Promoted func(c *gin.Context, questionID int64, create func() (int64, error)) error
	// Notify records a page's event for its audience in the change's
	// transaction (the notifier's Tell). Nil: nobody is told.
	Notify func(ctx context.Context, tx pgx.Tx, ev notify.Event, a notify.Audience) error
	// Watch makes a person watch an item inside a transaction: who writes
	// or owns a page watches it.
	Watch func(ctx context.Context, tx pgx.Tx, accountID int64, kind string, itemID int64) error
	// Moved follows a page into another space, so that what was told of
	// it is shown to the readers of the new space only.
	Moved func(ctx context.Context, tx pgx.Tx, subjectType string, subjectID, spaceID int64) error
	// WatchButton is the watch button of an item for the request, which
	// the "watch-button" partial renders. Nil: no button.
	WatchButton func(c *gin.Context, kind string, itemID int64) any
}

// New wires the wiki.
func New(store *Store, spaces *policies.Spaces, md *markdown.Renderer, w *web.Web, files *FileStore, deps Deps) *Wiki {
	wk := &Wiki{store: store, spaces: spaces, md: md, web: w, log: w.Log, files: files, deps: deps, exports: make(chan struct{}, maxExports),
		treeHTML: bounded.New[treeKey](treeHTMLBytes, func(h template.HTML) int { return len(h) })}
	if deps.Trash != nil {
		wk.registerTrash(deps.Trash)
	}
	return wk
}

const keyPage = "fachnetz.page"

// loadPage loads the page named by :page in the space RequireSpace
// loaded; an address the page had before a move redirects, and a change
// sent there goes to the moved page (actOnMoved).
func (wk *Wiki) loadPage(c *gin.Context) {
	space := policies.SpaceOf(c)
	p, err := wk.store.PageBySlug(c.Request.Context(), space.ID, c.Param("page"))
	if errs.Is(err, errs.NotFound) {
		if moved, rerr := wk.store.Redirect(c.Request.Context(), space.ID, c.Param("page")); rerr == nil {
			if !isRead(c.Request) {
				wk.actOnMoved(c, moved)
				return
			}
			if wk.spaces.Check(c.Request.Context(), policies.SubjectOf(c), policies.Read, moved.SpaceID) == nil {
				// The same address with the page's new space and slug, on
				// the web pages and in the API alike.
				target := movedURL(c.Request.URL.Path, space.Slug, c.Param("page"), moved)
				if c.Request.URL.RawQuery != "" {
					target += "?" + c.Request.URL.RawQuery
				}
				c.Redirect(301, target)
				c.Abort()
				return
			}
		}
	}
	wk.web.Keep(c, keyPage, p, err)
}

func pageOf(c *gin.Context) Page { return web.Kept[Page](c, keyPage) }

// PageURL is the address of a page.
func PageURL(space, slug string) string {
	return "/bereiche/" + url.PathEscape(space) + "/seiten/" + url.PathEscape(slug)
}

// NewPageURL is the address that offers to create a page with a title.
func NewPageURL(space, title string) string {
	return "/bereiche/" + url.PathEscape(space) + "/neu?titel=" + url.QueryEscape(title)
}

// movedURL rewrites a request path for a page that moved: the segments
// after the space and the page stay.
func movedURL(path, oldSpace, oldSlug string, moved Page) string {
	for _, prefix := range []string{"/bereiche/%s/seiten/%s", "/api/v1/spaces/%s/pages/%s"} {
		old := fmt.Sprintf(prefix, oldSpace, oldSlug)
		if rest, ok := strings.CutPrefix(path, old); ok {
			return fmt.Sprintf(prefix, url.PathEscape(moved.SpaceSlug), url.PathEscape(moved.Slug)) + rest
		}
	}
	return PageURL(moved.SpaceSlug, moved.Slug)
}
