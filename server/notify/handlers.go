package notify

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// pageSize is how many notifications one page of the list shows.
const pageSize = 30

// Middleware puts the viewer's unread count on the gin context under
// web.UnreadKey, for the header of HTML pages. Mount it after authentication.
func (n *Notifier) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		v := web.ViewerOf(c)
		if v != nil && !v.ViaToken && c.Request.Method == http.MethodGet && !web.WantsJSON(c) {
			if count, err := n.UnreadCount(c.Request.Context(), v.ID); err != nil {
				// The header goes without its count rather than the page failing.
				n.web.Log.Warn("unread count failed", "request_id", web.RequestID(c), "err", err)
			} else {
				c.Set(web.UnreadKey, count)
			}
		}
		c.Next()
	}
}

type listPage struct {
	Notifications []Notification
	Unread        bool   // any unread on this page
	Next          string // link to older notifications
	Newest        bool   // this is not the first page
}

func (n *Notifier) list(c *gin.Context) {
	v := web.ViewerOf(c)
	_, cursor, err := web.Page(c, pageSize, pageSize)
	if err != nil {
		n.web.Fail(c, err)
		return
	}
	list, err := n.List(c.Request.Context(), v.ID, false, pageSize+1, cursor)
	if err != nil {
		n.web.Fail(c, err)
		return
	}
	page := listPage{Newest: cursor > 0}
	if len(list) > pageSize {
		list = list[:pageSize]
		page.Next = "/benachrichtigungen?cursor=" + strconv.FormatInt(list[pageSize-1].ID, 10)
	}
	for _, no := range list {
		page.Unread = page.Unread || no.Unread()
	}
	page.Notifications = list
	// The list is personal: no shared cache may keep it.
	c.Header("Cache-Control", "private, no-store")
	n.web.Render(c, http.StatusOK, "notifications/list", n.web.T(c, "notify.title"), page)
}

// open marks a notification read and goes where it points.
func (n *Notifier) open(c *gin.Context) {
	if no, ok := n.markNamed(c); ok {
		c.Redirect(http.StatusSeeOther, web.LocalPath(no.URL))
	}
}

// markNamed marks the viewer's notification named by :id read; ok is
// false when the request is answered already (not theirs, not found).
func (n *Notifier) markNamed(c *gin.Context) (Notification, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		n.web.Fail(c, errNotFound)
		return Notification{}, false
	}
	no, err := n.MarkRead(c.Request.Context(), web.ViewerOf(c).ID, id)
	if err != nil {
		n.web.Fail(c, err)
		return Notification{}, false
	}
	return no, true
}

func (n *Notifier) readAll(c *gin.Context) {
	if err := n.MarkAllRead(c.Request.Context(), web.ViewerOf(c).ID); err != nil {
		n.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/benachrichtigungen")
}

// watch starts (watch=1) or ends (watch=0) watching an item, then returns
// to next. Watching needs read access to the item; an item the viewer may
// not read is not found. Ending a watch needs none, so that a person can
// always leave, and it answers alike whether the item exists or not.
func (n *Notifier) watch(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	kind := c.PostForm("kind")
	item, err := strconv.ParseInt(c.PostForm("item"), 10, 64)
	if _, known := n.watchable[kind]; err != nil || item <= 0 || !known {
		n.web.Fail(c, errNotFound)
		return
	}
	switch c.PostForm("watch") {
	case "1":
		if !n.mayWatch(ctx, v, kind, item) {
			n.web.Fail(c, errNotFound)
			return
		}
		err = n.Watch(ctx, v.ID, kind, item)
	case "0":
		err = n.Unwatch(ctx, v.ID, kind, item)
	default:
		err = errs.E(errs.Invalid, "error.invalid")
	}
	if err != nil {
		n.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, web.LocalPath(c.PostForm("next")))
}

// WatchButton is what the "watch-button" partial renders: a form that
// starts or ends watching one item and comes back to the page.
type WatchButton struct {
	Kind     string
	Item     int64
	Watching bool
	Next     string
	CSRF     string
}

// LabelKey is the catalogue message of the button's label.
func (b WatchButton) LabelKey() string {
	if b.Watching {
		return "notify.unwatch." + b.Kind
	}
	return "notify.watch." + b.Kind
}

// Button returns the watch button of an item for the current request.
func (n *Notifier) Button(c *gin.Context, kind string, itemID int64, watching bool) WatchButton {
	next := c.Request.URL.Path
	if q := c.Request.URL.RawQuery; q != "" {
		next += "?" + q
	}
	return WatchButton{Kind: kind, Item: itemID, Watching: watching, Next: next, CSRF: web.CSRFToken(c)}
}
