package notify

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

type actorJSON struct {
	Handle string `json:"handle"`
	Name   string `json:"name"`
}

type notificationJSON struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	Actor       *actorJSON `json:"actor"` // null once the actor's account is gone
	SpaceID     int64      `json:"space_id"`
	SubjectType string     `json:"subject_type"`
	SubjectID   int64      `json:"subject_id"`
	Title       string     `json:"title"`
	URL         string     `json:"url"`
	CreatedAt   time.Time  `json:"created_at"`
	ReadAt      *time.Time `json:"read_at"`
}

func toJSON(no Notification) notificationJSON {
	out := notificationJSON{ID: no.ID, Kind: no.Kind, SpaceID: no.SpaceID, SubjectType: no.SubjectType,
		SubjectID: no.SubjectID, Title: no.Title, URL: no.URL, CreatedAt: no.CreatedAt, ReadAt: no.ReadAt}
	if no.ActorName != nil && no.ActorHandle != nil {
		out.Actor = &actorJSON{Handle: *no.ActorHandle, Name: *no.ActorName}
	}
	return out
}

// apiList pages through the viewer's notifications, newest first;
// ?unread=1 leaves out those already read.
func (n *Notifier) apiList(c *gin.Context) {
	limit, cursor, err := web.Page(c, 50, 200)
	if err != nil {
		n.web.Fail(c, err)
		return
	}
	var unread bool
	switch c.Query("unread") {
	case "", "0", "false":
	case "1", "true":
		unread = true
	default:
		n.web.Fail(c, errs.E(errs.Invalid, "error.invalid"))
		return
	}
	list, err := n.List(c.Request.Context(), web.ViewerOf(c).ID, unread, limit+1, cursor)
	if err != nil {
		n.web.Fail(c, err)
		return
	}
	list, next := web.NextCursor(list, limit, func(no Notification) int64 { return no.ID })
	out := make([]notificationJSON, 0, len(list))
	for _, no := range list {
		out = append(out, toJSON(no))
	}
	c.Header("Cache-Control", "private, no-store")
	c.JSON(http.StatusOK, gin.H{"notifications": out, "next_cursor": next})
}

func (n *Notifier) apiRead(c *gin.Context) {
	if no, ok := n.markNamed(c); ok {
		c.JSON(http.StatusOK, toJSON(no))
	}
}
