package drafts

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "drafts", &db)) }

var seq atomic.Int64

// person inserts an account of its own agency.
func person(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	n := seq.Add(1)
	var agency, id int64
	if err := db.Pool.QueryRow(ctx, `INSERT INTO agencies (slug, name) VALUES ($1, 'Behörde') RETURNING id`, fmt.Sprintf("ag-%d", n)).Scan(&agency); err != nil {
		t.Fatal(err)
	}
	err := db.Pool.QueryRow(ctx, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, 'P', $3) RETURNING id`,
		agency, fmt.Sprintf("p%d@example.org", n), fmt.Sprintf("p-%d", n)).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func secretHash(t *testing.T) []byte { return hash(fmt.Sprintf("geheim-%d-%s", seq.Add(1), t.Name())) }

func TestSaveGetDelete(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	me, other := person(t), person(t)
	now := time.Now().Truncate(time.Millisecond)
	if _, err := st.Get(ctx, me, "page:1"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("no draft yet: %v", err)
	}
	st.Save(ctx, me, "page:1", "/a/seite", map[string]string{"title": "Alt"}, now)
	d, err := st.Save(ctx, me, "page:1", "/a/seite-neu", map[string]string{"body": "Neu"}, now.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Get(ctx, me, "page:1")
	if err != nil || got.ID != d.ID || got.Path != "/a/seite-neu" || !reflect.DeepEqual(got.Fields, map[string]string{"body": "Neu"}) ||
		!got.UpdatedAt.Equal(now.Add(time.Second)) {
		t.Errorf("after the second save: %+v %v", got, err)
	}
	if _, err := st.Get(ctx, other, "page:1"); !errs.Is(err, errs.NotFound) {
		t.Errorf("someone else's draft: %v", err)
	}
	if _, err := st.Save(ctx, me, "Seite 1", "/x", nil, now); err == nil {
		t.Error("the table took a key against the pattern")
	}
	if err := st.Delete(ctx, me, "page:1"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(ctx, me, "page:1"); !errs.Is(err, errs.NotFound) {
		t.Errorf("after delete: %v", err)
	}
	if err := st.Delete(ctx, me, "page:1"); err != nil {
		t.Errorf("deleting a missing draft: %v", err)
	}
}

// Ensure gives the same draft each time and leaves a saved text alone.
func TestEnsureKeepsTheText(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	me := person(t)
	id, err := st.Ensure(ctx, me, "question:0", "/fragen/neu")
	if err != nil {
		t.Fatal(err)
	}
	d, _ := st.Save(ctx, me, "question:0", "/fragen/neu", map[string]string{"title": "Frage"}, time.Now())
	again, err := st.Ensure(ctx, me, "question:0", "/anders")
	if err != nil || again != id || d.ID != id {
		t.Fatalf("ids: ensure %d, save %d, ensure again %d (%v)", id, d.ID, again, err)
	}
	got, _ := st.Get(ctx, me, "question:0")
	if got.Fields["title"] != "Frage" || got.Path != "/fragen/neu" {
		t.Errorf("Ensure changed the draft: %+v", got)
	}
}

func TestParkAndClaim(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	me := person(t)
	h := secretHash(t)
	now := time.Now().Truncate(time.Millisecond)
	// The person wrote on elsewhere after parking page:2, and before page:1.
	st.Save(ctx, me, "page:1", "/p1", map[string]string{"body": "älter"}, now.Add(-time.Hour))
	st.Save(ctx, me, "page:2", "/p2", map[string]string{"body": "neuer"}, now.Add(time.Minute))
	for _, p := range []struct {
		key  string
		at   time.Time
		body string
	}{{"page:1", now, "geparkt 1"}, {"page:2", now, "geparkt 2"}, {"page:3", now, "geparkt 3"}, {"page:4", now.Add(-2 * time.Hour), "zu alt"}} {
		if err := st.Park(ctx, h, p.key, "/"+p.key, map[string]string{"body": p.body}, p.at); err != nil {
			t.Fatal(err)
		}
	}
	st.Park(ctx, h, "page:3", "/p3", map[string]string{"body": "geparkt 3 neu"}, now)
	n, has, err := st.Parked(ctx, h, "page:3")
	if n != 4 || !has || err != nil {
		t.Fatalf("parked: %d %v %v", n, has, err)
	}
	if _, has, _ := st.Parked(ctx, h, "page:9"); has {
		t.Error("Parked reports an editor that has nothing parked")
	}

	claimed, err := st.Claim(ctx, h, me, now.Add(-time.Hour))
	if err != nil || claimed != 2 {
		t.Errorf("claimed %d (%v), want page:1 and page:3", claimed, err)
	}
	want := map[string]string{"page:1": "geparkt 1", "page:2": "neuer", "page:3": "geparkt 3 neu"}
	for key, body := range want {
		if d, err := st.Get(ctx, me, key); err != nil || d.Fields["body"] != body {
			t.Errorf("%s after claim: %+v %v", key, d, err)
		}
	}
	if _, err := st.Get(ctx, me, "page:4"); !errs.Is(err, errs.NotFound) {
		t.Errorf("a text parked before since was claimed: %v", err)
	}
	if n, _, _ := st.Parked(ctx, h, "page:1"); n != 0 {
		t.Errorf("%d drafts still parked after the claim", n)
	}
}

func TestPurgeByRetention(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	me := person(t)
	now := time.Now().Add(24 * time.Hour) // after every other test's rows
	st.Save(ctx, me, "page:1", "/fresh", map[string]string{"b": "1"}, now.Add(-Retention+time.Minute))
	st.Save(ctx, me, "page:2", "/old", map[string]string{"b": "1"}, now.Add(-Retention-time.Minute))
	h := secretHash(t)
	st.Park(ctx, h, "page:1", "/fresh", map[string]string{"b": "1"}, now.Add(-ParkedRetention+time.Minute))
	st.Park(ctx, h, "page:2", "/old", map[string]string{"b": "1"}, now.Add(-ParkedRetention-time.Minute))

	hooked := 0
	d := &Drafts{store: st, deps: Deps{AfterPurge: func(context.Context) error { hooked++; return nil }}}
	if _, err := d.Purge(ctx, now); err != nil {
		t.Fatal(err)
	}
	if hooked != 1 {
		t.Errorf("AfterPurge ran %d times", hooked)
	}
	if _, err := st.Get(ctx, me, "page:1"); err != nil {
		t.Errorf("a draft within its retention was purged: %v", err)
	}
	if _, err := st.Get(ctx, me, "page:2"); !errs.Is(err, errs.NotFound) {
		t.Errorf("a draft past its retention was kept: %v", err)
	}
	n, has, _ := st.Parked(ctx, h, "page:1")
	if n != 1 || !has {
		t.Errorf("parked after the purge: %d, page:1 kept %v", n, has)
	}
}
