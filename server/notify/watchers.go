package notify

import (
	"context"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/web"
)

// Audience is who hears of an event, as the area that saw it names them.
type Audience struct {
	// Text is the new text: the people it mentions hear of the event as a
	// mention (KindMention), unless Before mentions them already, so that
	// an unchanged mention is told once.
	Text, Before string
	// Watched are watched items by watch kind: their watchers hear of it,
	// e.g. a page and its space.
	Watched map[string][]int64
	// People hear of it too: the asker of an accepted answer, a page's
	// owner whose review is due.
	People []int64
}

// NewMentions returns the handles text mentions that before does not.
func NewMentions(text, before string) []string {
	if before == "" {
		return Mentions(text)
	}
	old := Mentions(before)
	var out []string
	for _, h := range Mentions(text) {
		if !slices.Contains(old, h) {
			out = append(out, h)
		}
	}
	return out
}

// MembersAdded tells the people who became members of a space, in the
// membership's transaction, who added them. They may not read the space
// yet as far as the access check knows: Granting lets them hear of it.
func (n *Notifier) MembersAdded(ctx context.Context, tx pgx.Tx, spaceID int64, name, slug string, actor int64, added []int64) error {
	return n.Tell(Granting(ctx, spaceID, added), tx, Event{Kind: KindMembership, ActorID: actor, SpaceID: spaceID,
		SubjectType: "space", SubjectID: spaceID, Title: name, URL: "/bereiche/" + url.PathEscape(slug)}, Audience{People: added})
}

// Tell records ev for its audience in the caller's transaction: first as a
// mention to the people newly mentioned, then as ev.Kind to the watchers
// and the other people. Each person hears once; Notify drops the actor and
// everyone who may not read the event's space.
func (n *Notifier) Tell(ctx context.Context, tx pgx.Tx, ev Event, a Audience) error {
	told := map[int64]bool{}
	send := func(kind string, people []int64) error {
		var rest []int64
		for _, p := range people {
			if !told[p] {
				told[p] = true
				rest = append(rest, p)
			}
		}
		e := ev
		e.Kind = kind
		return n.Notify(ctx, tx, e, rest)
	}
	if handles := NewMentions(a.Text, a.Before); len(handles) > 0 {
		mentioned, err := n.ResolveHandles(ctx, tx, handles)
		if err != nil {
			return err
		}
		if len(mentioned) > 0 {
			if err := send(KindMention, mentioned); err != nil {
				return err
			}
		}
	}
	people := slices.Clone(a.People)
	for _, kind := range []string{WatchQuestion, WatchTopic, WatchPage, WatchSpace} {
		if ids := a.Watched[kind]; len(ids) > 0 {
			watchers, err := n.Watchers(ctx, tx, kind, ids)
			if err != nil {
				return err
			}
			people = append(people, watchers...)
		}
	}
	return send(ev.Kind, people)
}

type grantKey struct{}

type grant struct {
	space    int64
	accounts []int64
}

// Granting marks ctx with people given read access to a space in the
// transaction at hand: the access check learns of new memberships only
// after the commit, and those added must still hear of it. The wiring's
// CanRead asks Granted first.
func Granting(ctx context.Context, spaceID int64, accounts []int64) context.Context {
	return context.WithValue(ctx, grantKey{}, grant{space: spaceID, accounts: accounts})
}

// Granted reports whether ctx carries read access of the account to the
// space from Granting.
func Granted(ctx context.Context, accountID, spaceID int64) bool {
	g, ok := ctx.Value(grantKey{}).(grant)
	return ok && g.space == spaceID && slices.Contains(g.accounts, accountID)
}

// ButtonFor is the watch button of an item for the viewer of the request,
// showing whether they watch it; nil when that cannot be told, so that the
// page shows without it rather than fail.
func (n *Notifier) ButtonFor(c *gin.Context, kind string, itemID int64) any {
	v := web.ViewerOf(c)
	if v == nil {
		return nil
	}
	watching, err := n.IsWatching(c.Request.Context(), v.ID, kind, itemID)
	if err != nil {
		n.web.Log.Warn("watch state failed", "request_id", web.RequestID(c), "kind", kind, "err", err)
		return nil
	}
	return n.Button(c, kind, itemID, watching)
}
