package policies

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/postgres"
)

var tagSeq atomic.Int64

// world is an agency with two people and a private space of the first.
type world struct {
	agency, owner, newcomer, space int64
}

func newWorld(t testing.TB, pool *pgxpool.Pool) world {
	t.Helper()
	ctx := context.Background()
	tag := strconv.FormatInt(time.Now().UnixNano()%1e9, 36) + strconv.FormatInt(tagSeq.Add(1), 10)
	var w world
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(pool.QueryRow(ctx, `INSERT INTO agencies (slug, name) VALUES ($1, 'Amt') RETURNING id`, "amt-"+tag).Scan(&w.agency))
	for _, p := range []*int64{&w.owner, &w.newcomer} {
		handle := fmt.Sprintf("p%d-%s", tagSeq.Add(1), tag)
		must(pool.QueryRow(ctx, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, 'Person', $3) RETURNING id`,
			w.agency, handle+"@example.org", handle).Scan(p))
	}
	w.space = addSpace(t, pool, w.agency, Private, "geheim-"+tag)
	_, err := pool.Exec(ctx, `INSERT INTO space_members (space_id, account_id, role) VALUES ($1, $2, 'owner')`, w.space, w.owner)
	must(err)
	return w
}

func addSpace(t testing.TB, pool *pgxpool.Pool, agency int64, vis Visibility, slug string) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(context.Background(), `INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Raum', $2, $3) RETURNING id`,
		slug, agency, vis).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func newEnforcer(t testing.TB, pool *pgxpool.Pool) *Enforcer {
	t.Helper()
	e, err := New(context.Background(), pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// A membership change is seen by the very next ReadableSpaces and Can of
// the process that made it (which reloads, as Spaces.SetMember does), and
// by another process once it has heard of it, though both had derived the
// person's readable spaces before the change.
func TestMembershipChangeReachesReadableSpaces(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, db.Pool)
	first, second := newEnforcer(t, db.Pool), newEnforcer(t, db.Pool)
	listenCtx, stop := context.WithCancel(ctx)
	defer stop()
	go second.Listen(listenCtx)
	<-second.Listening()
	newcomer := Subject{AccountID: w.newcomer, AgencyID: w.agency}
	reads := func(e *Enforcer) bool {
		return slices.Contains(e.ReadableSpaces(ctx, newcomer), w.space) && e.Can(ctx, newcomer, Read, w.space)
	}
	for i, e := range []*Enforcer{first, second} {
		if reads(e) {
			t.Fatalf("process %d: the newcomer reads the private space before joining", i+1)
		}
	}
	if !slices.Contains(first.ReadableSpaces(ctx, Subject{AccountID: w.owner}), w.space) {
		t.Fatal("the owner does not read their own space")
	}

	if _, err := db.Pool.Exec(ctx, `INSERT INTO space_members (space_id, account_id, role) VALUES ($1, $2, 'viewer')`, w.space, w.newcomer); err != nil {
		t.Fatal(err)
	}
	if err := first.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if !reads(first) {
		t.Fatal("same process, next call: the new member does not read the space")
	}
	waitUntil(t, func() bool { return reads(second) }, "second process to grant access")

	// A viewer becomes a member: the memoised "may not write" goes with it.
	writes := func(e *Enforcer) bool { return e.Can(ctx, newcomer, Write, w.space) }
	for i, e := range []*Enforcer{first, second} {
		if writes(e) {
			t.Fatalf("process %d: a viewer may write", i+1)
		}
	}
	if _, err := db.Pool.Exec(ctx, `UPDATE space_members SET role = 'member' WHERE space_id = $1 AND account_id = $2`, w.space, w.newcomer); err != nil {
		t.Fatal(err)
	}
	if err := first.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if !writes(first) {
		t.Fatal("same process, next call: the new member may not write")
	}
	waitUntil(t, func() bool { return writes(second) }, "second process to let the member write")

	if _, err := db.Pool.Exec(ctx, `DELETE FROM space_members WHERE space_id = $1 AND account_id = $2`, w.space, w.newcomer); err != nil {
		t.Fatal(err)
	}
	if err := first.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if reads(first) {
		t.Fatal("same process, next call: the removed member still reads the space")
	}
	waitUntil(t, func() bool { return !reads(second) }, "second process to revoke access")
}

// The answer belongs to the caller: changing it changes no later answer.
func TestReadableSpacesAnswerIsTheCallers(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, db.Pool)
	e := newEnforcer(t, db.Pool)
	owner := Subject{AccountID: w.owner}
	got := e.ReadableSpaces(ctx, owner)
	i := slices.Index(got, w.space)
	if i < 0 {
		t.Fatal("the owner does not read their own space")
	}
	got[i] = -1
	if !slices.Contains(e.ReadableSpaces(ctx, owner), w.space) {
		t.Fatal("a caller's change to the answer reached the next answer")
	}
	if ids := e.ReadableSpaces(ctx, Subject{}); ids == nil || len(ids) != 0 {
		t.Fatalf("anonymous: %v, want an empty list", ids)
	}
}

// waitUntil polls until ok. Its bound only tells a lost change from a slow
// one on a loaded machine.
func waitUntil(t *testing.T, ok func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// BenchmarkReadableSpaces is one person's readable spaces, asked as a page
// view asks them, in an instance with 10 and with 200 spaces (a database
// of its own for each).
func BenchmarkReadableSpaces(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10, 200} {
		b.Run(fmt.Sprintf("spaces=%d", n), func(b *testing.B) {
			own, err := postgres.NewTestDatabase(ctx, "policies_bench")
			if err != nil {
				b.Fatal(err)
			}
			defer own.Close()
			w := newWorld(b, own.Pool)
			for i := 1; i < n; i++ {
				vis := []Visibility{Organisation, Network, Private}[i%3]
				addSpace(b, own.Pool, w.agency, vis, fmt.Sprintf("bank-%d", i))
			}
			e := newEnforcer(b, own.Pool)
			sub := Subject{AccountID: w.newcomer, AgencyID: w.agency}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				e.ReadableSpaces(ctx, sub)
			}
		})
	}
}
