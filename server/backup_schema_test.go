package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// A backup of an instance one migration behind restores with this binary,
// which brings the schema up to date.
func TestRestoreMigratesAnOlderBackup(t *testing.T) {
	ctx := context.Background()
	ms, err := postgres.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	old, err := postgres.NewEmptyTestDatabase(ctx, "older")
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if _, err := postgres.Apply(ctx, old.Pool, ms[:len(ms)-1], slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "sicherung")
	var stderr strings.Builder
	if code := run(ctx, []string{"backup", dir}, testEnv(t, map[string]string{"FACHNETZ_DATABASE_URL": old.URL}), nil, io.Discard, &stderr); code != 0 {
		t.Fatalf("backup: %d %s", code, stderr.String())
	}
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		SchemaVersion int `json:"schema_version"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.SchemaVersion != len(ms)-1 {
		t.Fatalf("manifest schema version %d (%v), want %d", m.SchemaVersion, err, len(ms)-1)
	}

	fresh, err := postgres.NewEmptyTestDatabase(ctx, "restore")
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	env := testEnv(t, map[string]string{"FACHNETZ_DATABASE_URL": fresh.URL, "FACHNETZ_MEILI_INDEX": testIndex(t)})
	stderr.Reset()
	if code := run(ctx, []string{"restore", dir}, env, nil, io.Discard, &stderr); code != 0 {
		t.Fatalf("restore: %d %s", code, stderr.String())
	}
	var version int
	if err := fresh.Pool.QueryRow(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&version); err != nil || version != len(ms) {
		t.Fatalf("restored schema version %d (%v), want %d", version, err, len(ms))
	}
}
