package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// comparedTables are the content a restore must bring back unchanged, by
// the column that names a row.
var comparedTables = []struct{ table, key string }{
	{"pages", "id"}, {"page_revisions", "page_id || '/' || number"}, {"questions", "id"}, {"answers", "id"},
	{"post_revisions", "post_type || '/' || post_id || '/' || number"},
	{"profiles", "account_id"}, {"attachments", "id"}, {"attachment_versions", "id"},
}

// rowHashes maps each row's key to a hash of the whole row.
func rowHashes(t *testing.T, pool *pgxpool.Pool, table, key string) map[string]string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT (`+key+`)::text, md5(t::text) FROM `+table+` t`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, h string
		if err := rows.Scan(&k, &h); err != nil {
			t.Fatal(err)
		}
		out[k] = h
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// snapshotKeys are the rows of every compared table that exist now.
func snapshotKeys(t *testing.T, pool *pgxpool.Pool) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, c := range comparedTables {
		out[c.table] = rowHashes(t, pool, c.table, c.key)
	}
	return out
}

// compareRestored checks that the restored instance holds every row that
// existed before the backup began, and that each of its rows equals the
// source's. Rows written while the backup ran may be missing; rows that
// the load changes afterwards (moving) only need to exist.
func compareRestored(t *testing.T, before, source, restored map[string]map[string]string, moving map[string]map[string]bool) {
	t.Helper()
	for _, c := range comparedTables {
		for k := range before[c.table] {
			if _, ok := restored[c.table][k]; !ok {
				t.Errorf("%s %s existed before the backup and is missing after the restore", c.table, k)
			}
		}
		for k, h := range restored[c.table] {
			src, ok := source[c.table][k]
			switch {
			case !ok:
				t.Errorf("%s %s is in the restored instance but not in the source", c.table, k)
			case src != h && !moving[c.table][k]:
				t.Errorf("%s %s differs between source and restored instance", c.table, k)
			}
		}
	}
}

// checkContents checks that the data directory holds every attachment
// content the database refers to, each with the checksum it is named by.
func checkContents(t *testing.T, pool *pgxpool.Pool, dataDir string) int {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT sha256 FROM attachments UNION SELECT sha256 FROM attachment_versions`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var sum []byte
		if err := rows.Scan(&sum); err != nil {
			t.Fatal(err)
		}
		h := hex.EncodeToString(sum)
		data, err := os.ReadFile(filepath.Join(dataDir, "attachments", h[:2], h[2:]))
		if err != nil {
			t.Errorf("attachment content %s: %v", h, err)
			continue
		}
		if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != h {
			t.Errorf("attachment content %s has checksum %x", h, got)
		}
		n++
	}
	return n
}
