package postgres

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func emptyDatabase(t *testing.T) *TestDatabase {
	t.Helper()
	db, err := newTestDatabase(context.Background(), "migrate", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

func sampleMigrations() fstest.MapFS {
	return fstest.MapFS{
		"0001_first.sql":  {Data: []byte(`CREATE TABLE steps (n integer PRIMARY KEY);`)},
		"0002_second.sql": {Data: []byte(`INSERT INTO steps VALUES (2);`)},
		"0003_third.sql":  {Data: []byte(`INSERT INTO steps SELECT max(n) + 1 FROM steps;`)},
		"README.md":       {Data: []byte(`not a migration`)},
	}
}

func TestApplyRunsInOrderAndOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := emptyDatabase(t)
	ms, err := LoadMigrations(sampleMigrations())
	if err != nil {
		t.Fatal(err)
	}
	n, err := Apply(ctx, db.Pool, ms, quiet)
	if err != nil || n != 3 {
		t.Fatalf("first run: applied %d, err %v; want 3, nil", n, err)
	}
	// Migration 3 depends on 2 having run before it.
	var steps []int
	rows, _ := db.Pool.Query(ctx, `SELECT n FROM steps ORDER BY n`)
	for rows.Next() {
		var v int
		rows.Scan(&v)
		steps = append(steps, v)
	}
	if len(steps) != 2 || steps[0] != 2 || steps[1] != 3 {
		t.Fatalf("steps = %v, want [2 3]", steps)
	}
	n, err = Apply(ctx, db.Pool, ms, quiet)
	if err != nil || n != 0 {
		t.Fatalf("second run: applied %d, err %v; want 0, nil", n, err)
	}
	var recorded int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&recorded)
	if recorded != 3 {
		t.Fatalf("schema_migrations has %d rows, want 3", recorded)
	}
}

func TestLoadMigrationsRefusesGapsAndRepeats(t *testing.T) {
	t.Parallel()
	cases := map[string]fstest.MapFS{
		"gap": {
			"0001_a.sql": {Data: []byte(`SELECT 1`)},
			"0003_c.sql": {Data: []byte(`SELECT 1`)},
		},
		"repeat": {
			"0001_a.sql": {Data: []byte(`SELECT 1`)},
			"0001_b.sql": {Data: []byte(`SELECT 1`)},
		},
		"not from one": {
			"0002_b.sql": {Data: []byte(`SELECT 1`)},
		},
		"bad name": {
			"1_a.sql": {Data: []byte(`SELECT 1`)},
		},
	}
	for name, fsys := range cases {
		if _, err := LoadMigrations(fsys); err == nil {
			t.Errorf("%s: LoadMigrations accepted it", name)
		}
	}
}

func TestApplyRollsBackAFailedMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := emptyDatabase(t)
	ms, err := LoadMigrations(fstest.MapFS{
		"0001_ok.sql":     {Data: []byte(`CREATE TABLE kept (n integer);`)},
		"0002_broken.sql": {Data: []byte(`CREATE TABLE half (n integer); SELECT * FROM missing_table;`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(ctx, db.Pool, ms, quiet); err == nil || !strings.Contains(err.Error(), "0002_broken") {
		t.Fatalf("err = %v, want one naming 0002_broken", err)
	}
	var half bool
	db.Pool.QueryRow(ctx, `SELECT to_regclass('half') IS NOT NULL`).Scan(&half)
	if half {
		t.Fatal("the failed migration left its table behind")
	}
	var version int
	db.Pool.QueryRow(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&version)
	if version != 1 {
		t.Fatalf("schema version %d, want 1", version)
	}
}

func TestApplyRefusesADatabaseNewerThanTheBinary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := emptyDatabase(t)
	ms, _ := LoadMigrations(sampleMigrations())
	if _, err := Apply(ctx, db.Pool, ms, quiet); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(ctx, db.Pool, ms[:2], quiet); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("err = %v, want a refusal", err)
	}
}

func TestConcurrentRunsApplyEachMigrationOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := emptyDatabase(t)
	// Not idempotent on purpose: a second application would fail on the
	// primary key, so only the lock keeps this test green.
	ms, err := LoadMigrations(fstest.MapFS{
		"0001_t.sql": {Data: []byte(`CREATE TABLE once (n integer PRIMARY KEY); SELECT pg_sleep(0.2);`)},
		"0002_r.sql": {Data: []byte(`INSERT INTO once VALUES (1);`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	const runs = 4
	var wg sync.WaitGroup
	applied := make([]int, runs)
	errors := make([]error, runs)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errors[i] = Apply(ctx, db.Pool, ms, quiet)
		}()
	}
	wg.Wait()
	total := 0
	for i := range runs {
		if errors[i] != nil {
			t.Fatalf("run %d: %v", i, errors[i])
		}
		total += applied[i]
	}
	if total != 2 {
		t.Fatalf("migrations applied %d times in all, want 2", total)
	}
}

func TestEmbeddedMigrationsApply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := emptyDatabase(t)
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if n, err := Migrate(ctx, db.Pool, quiet); err != nil || n != len(ms) {
		t.Fatalf("applied %d of %d, err %v", n, len(ms), err)
	}
}

func TestOpenHidesThePassword(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), "postgres://fachnetz:topsecret@127.0.0.1:1/fachnetz?connect_timeout=2", 2e9)
	if err == nil {
		t.Fatal("connected to port 1")
	}
	if strings.Contains(err.Error(), "topsecret") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %q leaks the password or spans lines", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("error %q does not name the address", err)
	}
}
