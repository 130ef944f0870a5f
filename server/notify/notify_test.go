package notify

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/web"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "notify", &db)) }

var (
	feOnce sync.Once
	fe     *frontend.Frontend
	feErr  error
	serial atomic.Int64
)

// access is a stand-in for the policies enforcer that tests change at will.
type access struct {
	mu   sync.Mutex
	read map[[2]int64]bool
}

func (a *access) grant(account, space int64)  { a.set(account, space, true) }
func (a *access) revoke(account, space int64) { a.set(account, space, false) }
func (a *access) set(account, space int64, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.read[[2]int64{account, space}] = ok
}
func (a *access) can(_ context.Context, account, space int64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.read[[2]int64{account, space}]
}

// fixture is one test's world: its own agency, people and spaces.
type fixture struct {
	t      *testing.T
	n      *Notifier
	access *access
	agency int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	feOnce.Do(func() { fe, feErr = frontend.New() })
	if feErr != nil {
		t.Fatal(feErr)
	}
	a := &access{read: map[[2]int64]bool{}}
	w := &web.Web{Frontend: fe, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f := &fixture{t: t, n: New(db.Pool, w, a.can), access: a}
	err := db.Pool.QueryRow(context.Background(), `INSERT INTO agencies (slug, name) VALUES ($1, 'Testbehörde') RETURNING id`,
		"ag-"+strconv.FormatInt(serial.Add(1), 10)).Scan(&f.agency)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// person creates an account; the handle gets a unique suffix, returned too.
func (f *fixture) person(name string) (int64, string) {
	f.t.Helper()
	handle := name + "-" + strconv.FormatInt(serial.Add(1), 10)
	var id int64
	err := db.Pool.QueryRow(context.Background(), `INSERT INTO accounts (agency_id, email, display_name, handle)
		VALUES ($1, $2, $3, $4) RETURNING id`, f.agency, handle+"@example.org", "Person "+name, handle).Scan(&id)
	if err != nil {
		f.t.Fatal(err)
	}
	return id, handle
}

func (f *fixture) space() int64 {
	f.t.Helper()
	var id int64
	err := db.Pool.QueryRow(context.Background(), `INSERT INTO spaces (slug, name, agency_id, visibility)
		VALUES ($1, 'Bereich', $2, 'private') RETURNING id`, "sp-"+strconv.FormatInt(serial.Add(1), 10), f.agency).Scan(&id)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) notify(ev Event, recipients ...int64) {
	f.t.Helper()
	err := postgres.WithTx(context.Background(), db.Pool, func(tx pgx.Tx) error {
		return f.n.Notify(context.Background(), tx, ev, recipients)
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func answerEvent(actor, space, question int64) Event {
	return Event{Kind: KindAnswer, ActorID: actor, SpaceID: space, SubjectType: "question", SubjectID: question,
		Title: "Wie beantrage ich Sonderurlaub?", URL: fmt.Sprintf("/fragen/%d#antwort-1", question)}
}

func (f *fixture) list(account int64) []Notification {
	f.t.Helper()
	list, err := f.n.List(context.Background(), account, false, 100, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}

func (f *fixture) unread(account int64) int {
	f.t.Helper()
	n, err := f.n.UnreadCount(context.Background(), account)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestNotifyTellsReadersOnceAndNeverTheActor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	anna, _ := f.person("anna")
	ben, _ := f.person("ben")
	carla, _ := f.person("carla")
	space := f.space()
	f.access.grant(anna, space)
	f.access.grant(ben, space)
	// carla may not read the space: she is not told, though she watches.

	f.notify(answerEvent(anna, space, 1), ben, anna, carla, ben, 0, ben)
	if got := f.list(ben); len(got) != 1 || got[0].Kind != KindAnswer || *got[0].ActorName != "Person anna" || !got[0].Unread() {
		t.Fatalf("ben's notifications: %+v", got)
	}
	if got := f.list(anna); len(got) != 0 {
		t.Fatalf("the actor was notified: %+v", got)
	}
	var carlaRows int
	db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM notifications WHERE account_id = $1`, carla).Scan(&carlaRows)
	if carlaRows != 0 {
		t.Fatal("a person without read access has a notification row")
	}
	// Granting access later shows nothing: she was never told.
	f.access.grant(carla, space)
	if f.unread(carla) != 0 {
		t.Fatal("carla has unread notifications")
	}
	// With nobody left to tell, the event is not kept (no room of the
	// space is sent it either).
	f.notify(answerEvent(ben, space, 2))
	var events int
	db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM notification_events WHERE space_id = $1`, space).Scan(&events)
	if events != 1 {
		t.Fatalf("%d events, want 1", events)
	}
}

func TestNotifyRefusesMalformedEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	space := f.space()
	good := answerEvent(0, space, 1)
	bad := map[string]func(*Event){
		"kind":     func(e *Event) { e.Kind = "gossip" },
		"space":    func(e *Event) { e.SpaceID = 0 },
		"subject":  func(e *Event) { e.SubjectType = "Question!" },
		"title":    func(e *Event) { e.Title = "  " },
		"url":      func(e *Event) { e.URL = "https://example.org/x" },
		"relative": func(e *Event) { e.URL = "//example.org/x" },
	}
	for name, change := range bad {
		ev := good
		change(&ev)
		err := postgres.WithTx(context.Background(), db.Pool, func(tx pgx.Tx) error {
			return f.n.Notify(context.Background(), tx, ev, nil)
		})
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Long titles are shortened, not refused.
	ev := good
	ev.Title = repeat("Ä", 400)
	f.notify(ev)
	// A path with letters beyond ASCII is kept, written as browsers send it.
	ev = good
	ev.URL = "/fragen/1#über"
	if err := postgres.WithTx(context.Background(), db.Pool, func(tx pgx.Tx) error {
		return f.n.Notify(context.Background(), tx, ev, nil)
	}); err != nil {
		t.Errorf("a path with an umlaut: %v", err)
	}
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

func TestDisplayHonoursAccessNow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ben, _ := f.person("ben")
	open, closed := f.space(), f.space()
	f.access.grant(ben, open)
	f.access.grant(ben, closed)
	f.notify(answerEvent(0, open, 1), ben)
	f.notify(answerEvent(0, closed, 2), ben)
	if n := f.unread(ben); n != 2 {
		t.Fatalf("unread %d, want 2", n)
	}
	hidden := f.list(ben)[0] // newest: the one in closed
	if hidden.SpaceID != closed {
		t.Fatalf("newest is in space %d", hidden.SpaceID)
	}

	// The membership ends: the notification disappears from count, list and reach.
	f.access.revoke(ben, closed)
	if n := f.unread(ben); n != 1 {
		t.Fatalf("unread %d after losing access, want 1", n)
	}
	if got := f.list(ben); len(got) != 1 || got[0].SpaceID != open {
		t.Fatalf("list after losing access: %+v", got)
	}
	if _, err := f.n.MarkRead(context.Background(), ben, hidden.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("opening a notification of an unreadable space: %v", err)
	}
	// Nobody opens another person's notification.
	other, _ := f.person("other")
	f.access.grant(other, open)
	if _, err := f.n.MarkRead(context.Background(), other, f.list(ben)[0].ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("opening another person's notification: %v", err)
	}

	// Reading: once, then all.
	no, err := f.n.MarkRead(context.Background(), ben, f.list(ben)[0].ID)
	if err != nil || no.ReadAt == nil || no.URL != "/fragen/1#antwort-1" {
		t.Fatalf("MarkRead = %+v, %v", no, err)
	}
	if n := f.unread(ben); n != 0 {
		t.Fatalf("unread %d after reading", n)
	}
	f.access.grant(ben, closed)
	if n := f.unread(ben); n != 1 {
		t.Fatalf("unread %d with access back, want 1", n)
	}
	if err := f.n.MarkAllRead(context.Background(), ben); err != nil {
		t.Fatal(err)
	}
	if n := f.unread(ben); n != 0 {
		t.Fatalf("unread %d after marking all", n)
	}
	if unread, _ := f.n.List(context.Background(), ben, true, 10, 0); len(unread) != 0 {
		t.Fatalf("unread list: %+v", unread)
	}
}

func TestMovedAndDeletedSubjects(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ben, _ := f.person("ben")
	public, private := f.space(), f.space()
	f.access.grant(ben, public)
	q := serial.Add(1) // subject ids are shared by all tests
	f.notify(answerEvent(0, public, q), ben)
	f.n.Watch(context.Background(), ben, WatchQuestion, q)
	err := postgres.WithTx(context.Background(), db.Pool, func(tx pgx.Tx) error {
		return f.n.Moved(context.Background(), tx, "question", q, private)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.unread(ben); n != 0 {
		t.Fatal("a question moved to a space ben cannot read still shows")
	}
	f.access.grant(ben, private)
	if n := f.unread(ben); n != 1 {
		t.Fatal("the moved notification is gone")
	}
	err = postgres.WithTx(context.Background(), db.Pool, func(tx pgx.Tx) error {
		return f.n.Deleted(context.Background(), tx, "question", q)
	})
	if err != nil {
		t.Fatal(err)
	}
	watching, _ := f.n.IsWatching(context.Background(), ben, WatchQuestion, q)
	if n := f.unread(ben); n != 0 || watching {
		t.Fatalf("after deletion: unread %d, watching %v", n, watching)
	}
}

func TestWatching(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	anna, _ := f.person("anna")
	ben, _ := f.person("ben")
	// Item ids are shared by all tests, so each test takes its own.
	t10, t11, t12 := serial.Add(1), serial.Add(1), serial.Add(1)
	for range 2 { // twice is once
		if err := f.n.Watch(ctx, anna, WatchTopic, t10); err != nil {
			t.Fatal(err)
		}
	}
	f.n.Watch(ctx, anna, WatchTopic, t11)
	f.n.Watch(ctx, ben, WatchTopic, t11)
	f.n.Watch(ctx, ben, WatchQuestion, t10)
	if err := f.n.Watch(ctx, ben, "gossip", 1); err == nil {
		t.Fatal("an unknown watch kind was stored")
	}
	if ok, err := f.n.IsWatching(ctx, anna, WatchTopic, t10); !ok || err != nil {
		t.Fatalf("IsWatching = %v, %v", ok, err)
	}
	var got []int64
	err := postgres.WithTx(ctx, db.Pool, func(tx pgx.Tx) (err error) {
		got, err = f.n.Watchers(ctx, tx, WatchTopic, []int64{t10, t11, t12})
		return err
	})
	if err != nil || !reflect.DeepEqual(got, []int64{anna, ben}) {
		t.Fatalf("Watchers = %v, %v; want [%d %d]", got, err, anna, ben)
	}
	if err := f.n.Unwatch(ctx, anna, WatchTopic, t10); err != nil {
		t.Fatal(err)
	}
	if err := f.n.Unwatch(ctx, anna, WatchTopic, t10); err != nil {
		t.Fatal("unwatching twice:", err)
	}
	if ok, _ := f.n.IsWatching(ctx, anna, WatchTopic, t10); ok {
		t.Fatal("still watching")
	}
	postgres.WithTx(ctx, db.Pool, func(tx pgx.Tx) (err error) {
		got, err = f.n.Watchers(ctx, tx, WatchTopic, []int64{t10})
		return err
	})
	if len(got) != 0 {
		t.Fatalf("watchers of the topic: %v", got)
	}
}

func TestResolveHandles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	anna, annaHandle := f.person("anna")
	dora, doraHandle := f.person("dora")
	db.Pool.Exec(ctx, `UPDATE accounts SET disabled_at = now() WHERE id = $1`, dora)
	var got []int64
	err := postgres.WithTx(ctx, db.Pool, func(tx pgx.Tx) (err error) {
		got, err = f.n.ResolveHandles(ctx, tx, []string{annaHandle, doraHandle, "niemand-hier"})
		return err
	})
	if err != nil || !reflect.DeepEqual(got, []int64{anna}) {
		t.Fatalf("ResolveHandles = %v, %v; want only anna (%d)", got, err, anna)
	}
}

func TestSweepKeepsWhatRetentionAllows(t *testing.T) {
	// Not parallel: Sweep works on every account.
	ctx := context.Background()
	f := newFixture(t)
	ben, _ := f.person("ben")
	space := f.space()
	f.access.grant(ben, space)
	age := map[string]time.Duration{
		"fresh unread": 0, "fresh read": 0,
		"old unread": 40 * 24 * time.Hour, "old read": 40 * 24 * time.Hour,
		"ancient unread": 100 * 24 * time.Hour,
	}
	for title, d := range age {
		ev := answerEvent(0, space, 1)
		ev.Title = title
		f.notify(ev, ben)
		_, err := db.Pool.Exec(ctx, `UPDATE notifications n SET created_at = now() - $2::interval,
			read_at = CASE WHEN e.title LIKE '% read' THEN now() END
			FROM notification_events e WHERE e.id = n.event_id AND e.title = $1 AND e.space_id = $3`, title, fmt.Sprintf("%d seconds", int(d.Seconds())), space)
		if err == nil {
			_, err = db.Pool.Exec(ctx, `UPDATE notification_events SET created_at = now() - $2::interval WHERE title = $1 AND space_id = $3`,
				title, fmt.Sprintf("%d seconds", int(d.Seconds())), space)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	deleted, err := f.n.Sweep(ctx)
	if err != nil || deleted != 2 {
		t.Fatalf("Sweep = %d, %v; want 2", deleted, err)
	}
	var left []string
	for _, no := range f.list(ben) {
		left = append(left, no.Title)
	}
	want := []string{"fresh unread", "fresh read", "old unread"}
	if len(left) != 3 {
		t.Fatalf("left %v, want %v", left, want)
	}
	for _, w := range want {
		found := false
		for _, l := range left {
			found = found || l == w
		}
		if !found {
			t.Fatalf("left %v lacks %q", left, w)
		}
	}
	var events int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM notification_events WHERE space_id = $1`, space).Scan(&events)
	if events != 3 {
		t.Fatalf("%d events left, want 3", events)
	}
}

// An event nobody is told of is not kept: no trace of who did what when;
// one with a recipient is kept while the notification is.
func TestEventWithoutRecipientsIsNotKept(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ben, _ := f.person("ben")
	space := f.space()
	f.access.grant(ben, space)
	nobody, told := answerEvent(ben, space, 1), answerEvent(0, space, 2)
	nobody.Title, told.Title = "Niemand erfährt es", "Ben erfährt es"
	f.notify(nobody)
	f.notify(nobody, ben) // the actor is never told of their own doing
	f.notify(told, ben)
	count := func(title string) (n int) {
		db.Pool.QueryRow(ctx, `SELECT count(*) FROM notification_events WHERE space_id = $1 AND title = $2`, space, title).Scan(&n)
		return n
	}
	if n := count(nobody.Title); n != 0 {
		t.Errorf("%d events without recipients kept", n)
	}
	if n := count(told.Title); n != 1 {
		t.Errorf("%d events with a recipient kept, want 1", n)
	}
}

func TestEveryKindHasItsMessages(t *testing.T) {
	newFixture(t)
	for kind := range kinds {
		if key := (Notification{Kind: kind}).KindKey(); !fe.HasMessage(key) {
			t.Errorf("no message %s", key)
		}
	}
	for _, kind := range []string{WatchQuestion, WatchTopic, WatchPage} {
		for _, watching := range []bool{false, true} {
			if key := (WatchButton{Kind: kind, Watching: watching}).LabelKey(); !fe.HasMessage(key) {
				t.Errorf("no message %s", key)
			}
		}
	}
}

func TestMentions(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"Frage an @anna und @Ben.Müller-Lang", []string{"anna"}},
		{"@anna, @ben! (@carla) @dora: @eva.", []string{"anna", "ben", "carla", "dora", "eva"}},
		{"@Anna.Beispiel und nochmals @anna.beispiel", []string{"anna.beispiel"}},
		{"Schreiben Sie an poststelle@example.org oder @poststelle", []string{"poststelle"}},
		{"In `@code` nicht, in ``a ` @zwei`` auch nicht, aber @ja", []string{"ja"}},
		{"Offener `Backtick @bleibt", []string{"bleibt"}},
		{"```\n@imblock\n```\n@danach", []string{"danach"}},
		{"~~~go\n@tilde\n~~~~\nText @nach", []string{"nach"}},
		{"Absatz\n\n    @eingerueckt\n\n@frei", []string{"frei"}},
		{"Absatz\n    @fortsetzung", []string{"fortsetzung"}},
		{"@jürgen und @ärger und @x", nil},
		{"https://social.example/@konto und anna@ben@carla", nil},
		{"Mehrzeiliger `Code\n@auchcode` Ende", nil},
		{"@" + repeat("a", 41) + " @" + repeat("b", 40), []string{repeat("b", 40)}},
		{"@_unterstrich @-strich @1a", []string{"1a"}},
		{"", nil},
	}
	for _, tc := range cases {
		if got := Mentions(tc.text); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Mentions(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	many := ""
	for i := range 60 {
		many += fmt.Sprintf("@p%d ", i)
	}
	if n := len(Mentions(many)); n != MaxMentions {
		t.Errorf("%d mentions, want at most %d", n, MaxMentions)
	}
}
