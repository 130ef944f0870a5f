package policies

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Reloading rules that have not changed (as the changing process does
// when it hears of its own change) keeps the version; any change to a
// membership or to a space's state makes a new one, and is in force.
func TestReloadKeepsUnchangedRules(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, db.Pool)
	e := newEnforcer(t, db.Pool)
	newcomer := Subject{AccountID: w.newcomer, AgencyID: w.agency}
	reload := func() uint64 {
		t.Helper()
		if err := e.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		return e.Version()
	}
	v := e.Version()
	if got := reload(); got != v {
		t.Fatalf("version %d after reloading the same rules, want %d", got, v)
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO space_members (space_id, account_id, role) VALUES ($1, $2, 'member')`, w.space, w.newcomer); err != nil {
		t.Fatal(err)
	}
	if got := reload(); got != v+1 {
		t.Fatalf("version %d after a new membership, want %d", got, v+1)
	}
	if !e.Can(ctx, newcomer, Write, w.space) {
		t.Fatal("the new member may not write")
	}
	if got := reload(); got != v+1 {
		t.Fatalf("version %d after reloading the same rules again, want %d", got, v+1)
	}
	if _, err := db.Pool.Exec(ctx, `UPDATE spaces SET archived_at = now() WHERE id = $1`, w.space); err != nil {
		t.Fatal(err)
	}
	if got := reload(); got != v+2 {
		t.Fatalf("version %d after archiving the space, want %d", got, v+2)
	}
	if e.Can(ctx, newcomer, Write, w.space) || !e.Archived(w.space) {
		t.Fatal("the archived space is still writable")
	}
}

// BenchmarkReload is a reload in an instance of the size of DESIGN.md
// section 9, 200 spaces and 10,000 people in five spaces each: "changed"
// builds the enforcer, "unchanged" is what the process that made a change
// pays when it hears of it. heap-MB is what the rules hold in memory.
func BenchmarkReload(b *testing.B) {
	ctx := context.Background()
	own, err := postgres.NewTestDatabase(ctx, "policies_bench")
	if err != nil {
		b.Fatal(err)
	}
	defer own.Close()
	w := newWorld(b, own.Pool)
	for i := 1; i < 200; i++ {
		addSpace(b, own.Pool, w.agency, []Visibility{Organisation, Network, Private}[i%3], fmt.Sprintf("bank-%d", i))
	}
	if _, err := own.Pool.Exec(ctx, `
		WITH people AS (
			INSERT INTO accounts (agency_id, email, display_name, handle)
			SELECT $1, 'p' || i || '@example.org', 'Person', 'p' || i FROM generate_series(1, 10000) i RETURNING id)
		INSERT INTO space_members (space_id, account_id, role)
		SELECT s.id, p.id, 'member' FROM people p
		CROSS JOIN LATERAL (SELECT id FROM spaces ORDER BY md5(p.id::text || id::text) LIMIT 5) s`, w.agency); err != nil {
		b.Fatal(err)
	}
	e := newEnforcer(b, own.Pool)
	for _, changed := range []bool{true, false} {
		name := map[bool]string{true: "changed", false: "unchanged"}[changed]
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if changed {
					e.mu.Lock()
					e.sum = [32]byte{}
					e.mu.Unlock()
				}
				if err := e.Reload(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "heap-MB")
		})
	}
}
