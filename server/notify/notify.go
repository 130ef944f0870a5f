// Package notify lets people watch questions, topics and pages and tells
// them in the app what happened there. Areas (Q&A, wiki) record events
// with Notify in their own transactions; this package knows none of them.
//
// Access is checked twice: when an event is recorded (nobody is told about
// a space they cannot read) and whenever notifications are shown (a
// membership may have ended since). Notifications are seen only by the
// person they are for.
package notify

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/periodic"
	"github.com/fachnetz/fachnetz/server/web"
)

// Kinds of notification events. Each has the messages notify.kind.<kind>
// (the line of the list) in the catalogues; the wiki adds its kinds here.
const (
	KindAnswer   = "answer"   // a new answer to a watched question
	KindAccepted = "accepted" // an answer was accepted
	KindComment  = "comment"  // a new comment
	KindMention  = "mention"  // someone wrote @handle
	KindQuestion = "question" // a new question on a watched topic
	KindInvite   = "invite"   // someone asks you to answer
	// Wiki pages: their watchers and the watchers of their space hear of
	// them; webhooks and linked Matrix rooms take them too.
	KindPageCreated = "page_created"
	KindPageChanged = "page_changed"
	KindPageMoved   = "page_moved"
	KindPageDeleted = "page_deleted"
	KindMembership  = "membership"  // you were added to a space
	KindReviewDue   = "review_due"  // a page you own is due for review
	KindWebhookOff  = "webhook_off" // a webhook you registered kept failing and was switched off
)

var kinds = map[string]bool{KindAnswer: true, KindAccepted: true, KindComment: true, KindMention: true, KindQuestion: true, KindInvite: true,
	KindPageCreated: true, KindPageChanged: true, KindPageMoved: true, KindPageDeleted: true, KindMembership: true, KindReviewDue: true, KindWebhookOff: true}

// Topics of the preferences: what a person chooses how to hear of. Each
// event kind belongs to one.
const (
	TopicMention    = "mention"
	TopicInvitation = "invitation"
	TopicWatched    = "watched"
	TopicReview     = "review"
	TopicMembership = "membership"
)

// TopicOf returns the preference topic of an event kind.
func TopicOf(kind string) string {
	switch kind {
	case KindMention:
		return TopicMention
	case KindInvite:
		return TopicInvitation
	case KindReviewDue:
		return TopicReview
	case KindMembership:
		return TopicMembership
	default:
		return TopicWatched
	}
}

// Consumer is a channel that takes an event, inside the transaction that
// records it, so that what it will send is saved with the event: a row in
// its delivery table, sent later. id is the event's id; recipients are
// the people told in the app, already filtered by access.
type Consumer func(ctx context.Context, tx pgx.Tx, id int64, ev Event, recipients []int64) error

// Kinds of watched items, as the watches table allows them.
const (
	WatchQuestion = "question"
	WatchTopic    = "topic"
	WatchPage     = "page"
	WatchSpace    = "space"
)

// Retention: read notifications go after ReadRetention, all after
// Retention, counted from when they were created. A notification is a
// pointer to something new; once read, a month is enough to find it again,
// and one unread for a quarter has lost its point (digests are at most
// weekly, deliveries are kept 30 days). An event (who did what, when)
// is kept only while a notification or delivery needs it.
const (
	ReadRetention = 30 * 24 * time.Hour
	Retention     = 90 * 24 * time.Hour
)

// CanRead reports whether an account may read a space now. The wiring
// passes the policies enforcer's check.
type CanRead func(ctx context.Context, accountID, spaceID int64) bool

// SpaceOf returns the space an item of a kind belongs to; ok is false when
// the item does not exist.
type SpaceOf func(ctx context.Context, kind string, itemID int64) (spaceID int64, ok bool)

// Visible reports whether an item of a kind that belongs to no space
// exists and the viewer may see it (topics: a proposal typed on content
// only for the content's readers).
type Visible func(ctx context.Context, viewer *web.Viewer, kind string, itemID int64) bool

// Event is something that happened, as the area that saw it describes it.
type Event struct {
	Kind        string // one of the Kind constants
	ActorID     int64  // who did it; 0 for nobody in particular
	SpaceID     int64  // the space whose readers may know of it
	SubjectType string // the item whose access decides, e.g. "question"
	SubjectID   int64
	Title       string // e.g. the question's title at the time
	URL         string // a local path, e.g. "/fragen/12#antwort-34"
}

// Notifier records events and shows each person their notifications.
type Notifier struct {
	store     *Store
	web       *web.Web
	can       CanRead
	watchable map[string]watchable
	consumers []Consumer
	keys      keyring                     // unsubscribe links
	replyKeys keyring                     // reply addresses
	channels  struct{ mail, matrix bool } // which channels beyond the app the instance has
}

// Consume adds a channel that takes every event recorded from now on.
// Register consumers before serving.
func (n *Notifier) Consume(c Consumer) { n.consumers = append(n.consumers, c) }

// watchable says how the watch form checks access to a kind of item:
// through the item's space, or (spaceOf nil) by existence alone.
type watchable struct {
	spaceOf SpaceOf
	visible Visible
}

// New returns a notifier. Register the kinds that may be watched through
// the form with WatchIn and WatchOpen before serving.
func New(pool *pgxpool.Pool, w *web.Web, can CanRead) *Notifier {
	st := NewStore(pool)
	return &Notifier{store: st, web: w, can: can, watchable: map[string]watchable{}, keys: keyring{store: st, name: "unsubscribe"},
		replyKeys: keyring{store: st, name: "reply"}}
}

// WatchIn lets people watch items of kind whose space they may read.
func (n *Notifier) WatchIn(kind string, spaceOf SpaceOf) {
	n.watchable[kind] = watchable{spaceOf: spaceOf}
}

// WatchOpen lets people watch items of kind that belong to no space
// (topics) when visible says they may see them.
func (n *Notifier) WatchOpen(kind string, visible Visible) {
	n.watchable[kind] = watchable{visible: visible}
}

// mayWatch reports whether the viewer may see the item of kind.
func (n *Notifier) mayWatch(ctx context.Context, v *web.Viewer, kind string, itemID int64) bool {
	w, ok := n.watchable[kind]
	switch {
	case !ok || itemID <= 0:
		return false
	case w.spaceOf != nil:
		space, ok := w.spaceOf(ctx, kind, itemID)
		return ok && n.can(ctx, v.ID, space)
	default:
		return w.visible(ctx, v, kind, itemID)
	}
}

var namePattern = regexp.MustCompile(`^[a-z][a-z_]{0,39}$`)

// Notify records ev in the caller's transaction and tells the recipients
// in the app: each once, never the actor, and only those who may read the
// event's space now. The event is recorded even when nobody is left, for
// channels that consume events rather than recipients.
func (n *Notifier) Notify(ctx context.Context, tx pgx.Tx, ev Event, recipients []int64) error {
	if !kinds[ev.Kind] {
		return fmt.Errorf("notify: unknown kind %q", ev.Kind)
	}
	if ev.SpaceID <= 0 || ev.SubjectID <= 0 || !namePattern.MatchString(ev.SubjectType) {
		return fmt.Errorf("notify: event %s lacks its space or subject", ev.Kind)
	}
	// LocalPath writes a path as a browser would send it ("/ä" as "/%C3%A4"):
	// what it refuses comes back as "/".
	local := web.LocalPath(ev.URL)
	if ev.URL == "" || local == "/" && ev.URL != "/" || len(local) > 2000 {
		return fmt.Errorf("notify: event %s: %q is not a local path", ev.Kind, ev.URL)
	}
	ev.URL = local
	ev.Title = truncate(strings.TrimSpace(ev.Title), 300)
	if ev.Title == "" {
		return fmt.Errorf("notify: event %s has no title", ev.Kind)
	}
	seen := map[int64]bool{ev.ActorID: true, 0: true}
	var to []int64
	for _, id := range recipients {
		if !seen[id] && id > 0 {
			seen[id] = true
			if n.can(ctx, id, ev.SpaceID) {
				to = append(to, id)
			}
		}
	}
	inApp, err := n.store.InApp(ctx, tx, TopicOf(ev.Kind), to)
	if err != nil {
		return err
	}
	id, err := n.store.Record(ctx, tx, ev, inApp)
	if err != nil {
		return err
	}
	for _, c := range n.consumers {
		if err := c(ctx, tx, id, ev, to); err != nil {
			return fmt.Errorf("notify: event %s: %w", ev.Kind, err)
		}
	}
	if len(to) == 0 {
		// Nobody is told: who did what and when is not kept, unless a
		// space's room is sent the event.
		return n.store.DropUnsent(ctx, tx, id)
	}
	return nil
}

func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// Watch makes the account watch an item. It checks no access: the watch
// form does, and areas call it for their own reasons (the asker watches
// their question).
func (n *Notifier) Watch(ctx context.Context, accountID int64, kind string, itemID int64) error {
	return n.store.Watch(ctx, n.store.pool, accountID, kind, itemID)
}

// WatchWith is Watch inside the caller's transaction, so that the watch
// and what caused it (asking a question) are saved together.
func (n *Notifier) WatchWith(ctx context.Context, tx pgx.Tx, accountID int64, kind string, itemID int64) error {
	return n.store.Watch(ctx, tx, accountID, kind, itemID)
}

// Unwatch ends a watch; there being none is no error.
func (n *Notifier) Unwatch(ctx context.Context, accountID int64, kind string, itemID int64) error {
	return n.store.Unwatch(ctx, accountID, kind, itemID)
}

// IsWatching reports whether the account watches the item.
func (n *Notifier) IsWatching(ctx context.Context, accountID int64, kind string, itemID int64) (bool, error) {
	return n.store.IsWatching(ctx, accountID, kind, itemID)
}

// Watchers returns who watches any of the items of kind, each once, for
// example of a question or of any of its topics. Notify filters them by
// access.
func (n *Notifier) Watchers(ctx context.Context, tx pgx.Tx, kind string, itemIDs []int64) ([]int64, error) {
	return n.store.Watchers(ctx, tx, kind, itemIDs)
}

// ResolveHandles returns the ids of the active accounts with the handles
// (as Mentions returns them); unknown handles are left out.
func (n *Notifier) ResolveHandles(ctx context.Context, tx pgx.Tx, handles []string) ([]int64, error) {
	return n.store.ResolveHandles(ctx, tx, handles)
}

// Moved follows an item into another space: its events and notifications
// are then shown only to readers of the new space.
func (n *Notifier) Moved(ctx context.Context, tx pgx.Tx, subjectType string, subjectID, spaceID int64) error {
	return n.store.MoveSubject(ctx, tx, subjectType, subjectID, spaceID)
}

// Deleted forgets an item: its events, the notifications about it and the
// watches of it (subject type and watch kind being the same word).
func (n *Notifier) Deleted(ctx context.Context, tx pgx.Tx, subjectType string, subjectID int64) error {
	return n.store.DeleteSubject(ctx, tx, subjectType, subjectID)
}

// Trashed forgets the events about items moved to the trash, so that no
// notification shows what is gone; watches of them stay for a restore.
func (n *Notifier) Trashed(ctx context.Context, tx pgx.Tx, subjectType string, ids []int64) error {
	return n.store.ForgetSubjects(ctx, tx, subjectType, ids)
}

// Purged forgets the watches of items purged from the trash: kept for a
// restore, they would otherwise name an item gone for good forever
// (trash kind and watch kind being the same word).
func (n *Notifier) Purged(ctx context.Context, tx pgx.Tx, kind string, ids []int64) error {
	return n.store.DeleteWatches(ctx, tx, kind, ids)
}

// readable returns the spaces of the account's notifications it may read
// now.
func (n *Notifier) readable(ctx context.Context, accountID int64) ([]int64, error) {
	spaces, err := n.store.NotificationSpaces(ctx, accountID)
	if err != nil {
		return nil, err
	}
	ok := spaces[:0]
	for _, s := range spaces {
		if n.can(ctx, accountID, s) {
			ok = append(ok, s)
		}
	}
	return ok, nil
}

// UnreadCount counts the account's unread notifications in spaces it may
// still read: one index-only scan grouped by space.
func (n *Notifier) UnreadCount(ctx context.Context, accountID int64) (int, error) {
	bySpace, err := n.store.UnreadBySpace(ctx, accountID)
	if err != nil {
		return 0, err
	}
	total := 0
	for space, count := range bySpace {
		if n.can(ctx, accountID, space) {
			total += count
		}
	}
	return total, nil
}

// List returns a page of the account's notifications that it may read now,
// newest first, older than the cursor (a notification id) when it is set.
func (n *Notifier) List(ctx context.Context, accountID int64, unreadOnly bool, limit int, cursor int64) ([]Notification, error) {
	spaces, err := n.readable(ctx, accountID)
	if err != nil || len(spaces) == 0 {
		return nil, err
	}
	return n.store.Notifications(ctx, accountID, spaces, unreadOnly, limit, cursor)
}

// MarkRead marks one of the account's notifications read and returns it. A
// notification of another person, or of a space the account may no longer
// read, is not found.
func (n *Notifier) MarkRead(ctx context.Context, accountID, id int64) (Notification, error) {
	no, err := n.store.Notification(ctx, accountID, id)
	if err != nil {
		return Notification{}, err
	}
	if !n.can(ctx, accountID, no.SpaceID) {
		return Notification{}, errNotFound
	}
	if no.ReadAt == nil {
		if no.ReadAt, err = n.store.MarkRead(ctx, accountID, id); err != nil {
			return Notification{}, err
		}
	}
	return no, nil
}

// MarkAllRead marks all the account's notifications read.
func (n *Notifier) MarkAllRead(ctx context.Context, accountID int64) error {
	return n.store.MarkAllRead(ctx, accountID)
}

// Sweep deletes what retention no longer allows: read notifications after
// ReadRetention, all after Retention, and events nobody holds any more.
// Run it periodically; it returns how many notifications went.
func (n *Notifier) Sweep(ctx context.Context) (int64, error) {
	now := time.Now()
	return n.store.Sweep(ctx, now.Add(-ReadRetention), now.Add(-Retention))
}

// RunSweep sweeps every interval until ctx ends.
func (n *Notifier) RunSweep(ctx context.Context, interval time.Duration) {
	periodic.Run(ctx, interval, n.web.Log, "sweep notifications", func(ctx context.Context) error {
		_, err := n.Sweep(ctx)
		return err
	})
}
