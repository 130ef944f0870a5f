package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// fakeBackup is a backup directory with a dump and one attachment content
// whose manifest matches them.
func fakeBackup(t *testing.T) (string, *Manifest) {
	t.Helper()
	dir := t.TempDir()
	m := &Manifest{Format: Format, SchemaVersion: 3}
	add := func(rel string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o640); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		m.Files = append(m.Files, File{Path: rel, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))})
	}
	add(dumpName, []byte("PGDMP not a real dump"))
	content := []byte("Dienstanweisung zur Aktenführung")
	sum := sha256.Sum256(content)
	h := hex.EncodeToString(sum[:])
	add(filesDir+"/"+h[:2]+"/"+h[2:], content)
	if err := m.write(dir); err != nil {
		t.Fatal(err)
	}
	return dir, m
}

func restoreInto(t *testing.T, dir, dataDir string, schema int) error {
	t.Helper()
	_, err := Restore(context.Background(), RestoreOptions{DatabaseURL: "postgres://127.0.0.1:1/none", DataDir: dataDir, Dir: dir, SchemaVersion: schema})
	return err
}

// Every check that needs no database comes before the database is
// touched: the nil pool here would panic otherwise.
func TestRestoreRefusesDamagedOrForeignBackups(t *testing.T) {
	cases := []struct {
		name, want string
		spoil      func(dir string, m *Manifest)
		schema     int
	}{
		{"changed attachment", "is damaged", func(dir string, m *Manifest) {
			os.WriteFile(filepath.Join(dir, filepath.FromSlash(m.Files[1].Path)), []byte("Dienstanweisung zur Aktenfuehrung"), 0o640)
		}, 3},
		{"truncated dump", "is damaged", func(dir string, m *Manifest) {
			os.WriteFile(filepath.Join(dir, dumpName), []byte("PGDMP"), 0o640)
		}, 3},
		{"missing attachment", "no such file", func(dir string, m *Manifest) {
			os.Remove(filepath.Join(dir, filepath.FromSlash(m.Files[1].Path)))
		}, 3},
		{"path outside the backup", "cannot hold", func(dir string, m *Manifest) {
			m.Files[1].Path = "../../etc/passwd"
			m.write(dir)
		}, 3},
		{"content not named by its checksum", "not its name", func(dir string, m *Manifest) {
			m.Files[1].SHA256 = strings.Repeat("0", 64)
			m.write(dir)
		}, 3},
		{"no manifest", "not a backup", func(dir string, m *Manifest) {
			os.Remove(filepath.Join(dir, manifestName))
		}, 3},
		{"newer schema", "schema version 3", func(string, *Manifest) {}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, m := fakeBackup(t)
			c.spoil(dir, m)
			dataDir := filepath.Join(t.TempDir(), "data")
			err := restoreInto(t, dir, dataDir, c.schema)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("restore: got %v, want an error saying %q", err, c.want)
			}
			if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
				t.Errorf("the data directory was touched: %v", err)
			}
		})
	}
}

func TestRestoreRefusesAnInstanceInUse(t *testing.T) {
	dir, _ := fakeBackup(t)
	dataDir := t.TempDir()
	os.WriteFile(filepath.Join(dataDir, "stats.key"), make([]byte, 32), 0o600)
	if err := restoreInto(t, dir, dataDir, 3); err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Fatalf("restore into a data directory in use: %v", err)
	}

	ctx := context.Background()
	db, err := postgres.NewTestDatabase(ctx, "backup")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = Restore(ctx, RestoreOptions{Pool: db.Pool, DatabaseURL: db.URL, DataDir: t.TempDir(), Dir: dir, SchemaVersion: 3})
	if err == nil || !strings.Contains(err.Error(), "database is not empty") {
		t.Fatalf("restore into a database in use: %v", err)
	}
	var n int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("the database was changed: %d migrations, %v", n, err)
	}
}

func TestTakeRefusesAFullDirectory(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, manifestName), []byte("{}"), 0o640)
	_, err := Take(context.Background(), Options{DatabaseURL: "postgres://127.0.0.1:1/none", DataDir: t.TempDir(), Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Fatalf("backup into a full directory: %v", err)
	}
}

func TestToolHonoursItsDirectory(t *testing.T) {
	bin := t.TempDir()
	if _, err := Tool(bin, "pg_dump"); err == nil || !strings.Contains(err.Error(), "FACHNETZ_PG_BIN") {
		t.Fatalf("a directory without pg_dump: %v", err)
	}
	os.WriteFile(filepath.Join(bin, "pg_dump"), []byte("#!/bin/sh\n"), 0o755)
	if p, err := Tool(bin, "pg_dump"); err != nil || p != filepath.Join(bin, "pg_dump") {
		t.Fatalf("Tool = %q, %v", p, err)
	}
}

func TestPasswordStaysOffTheCommandLine(t *testing.T) {
	conn, password, err := splitPassword("postgres://fachnetz:geheim@db:5432/fachnetz?sslmode=disable")
	if err != nil || password != "geheim" || strings.Contains(conn, "geheim") {
		t.Fatalf("splitPassword = %q, %q, %v", conn, password, err)
	}
}
