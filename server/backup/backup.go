package backup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// excludedData are the tables whose rows a backup leaves out. The search
// tables are derived: the restore rebuilds them from the content. The
// trends' raw counts and day keys are not: they are kept at most two days
// so that nobody can link a pseudonym to a person for longer, and a backup
// must not stretch that; the restored instance starts a new day key.
var excludedData = []string{
	"search_outbox", "search_copy_queue", "search_documents", "search_words",
	"stats_raw", "stats_secrets",
}

// Options say where an instance keeps its data and where the backup goes.
type Options struct {
	Pool        *pgxpool.Pool
	DatabaseURL string
	DataDir     string
	Dir         string
	PGBin       string // directory of pg_dump and pg_restore; empty searches
	Version     string // the fachnetz version, recorded in the manifest
	Log         *slog.Logger
}

// Take writes a backup of a running instance into an empty or new
// directory. The dump and the list of attachment contents come from one
// snapshot, so every content the dump refers to is copied.
func Take(ctx context.Context, o Options) (*Manifest, error) {
	pgDump, err := Tool(o.PGBin, "pg_dump")
	if err != nil {
		return nil, err
	}
	if err := emptyDir(o.Dir, "backup directory"); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("backup directory: %w", err)
	}
	m := &Manifest{Format: Format, CreatedAt: time.Now().UTC(), Version: o.Version, ExcludedData: excludedData}
	var contents []string
	// The exporting transaction must stay open until pg_dump has taken
	// over its snapshot; keeping it open for the whole dump is simplest.
	err = pgx.BeginTxFunc(ctx, o.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		snapshot, err := exportSnapshot(ctx, tx)
		if err != nil {
			return err
		}
		if m.SchemaVersion, err = schemaVersion(ctx, tx); err != nil {
			return err
		}
		if contents, err = referencedContents(ctx, tx); err != nil {
			return err
		}
		args := []string{"--format=custom", "--snapshot=" + snapshot, "--file=" + filepath.Join(o.Dir, dumpName)}
		for _, t := range excludedData {
			args = append(args, "--exclude-table-data="+t)
		}
		return runTool(ctx, pgDump, o.DatabaseURL, args...)
	})
	if err != nil {
		return nil, fmt.Errorf("dump database: %w", err)
	}
	sum, size, err := checksum(filepath.Join(o.Dir, dumpName))
	if err != nil {
		return nil, fmt.Errorf("dump database: %w", err)
	}
	m.Files = append(m.Files, File{Path: dumpName, SHA256: sum, Size: size})
	for _, c := range contents {
		f, err := copyContent(o.DataDir, o.Dir, c)
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, f)
	}
	if err := m.write(o.Dir); err != nil {
		return nil, err
	}
	if o.Log != nil {
		o.Log.Info("backup written", "dir", o.Dir, "files", len(contents), "schema_version", m.SchemaVersion)
	}
	return m, nil
}

// copyContent copies one attachment content into the backup. Contents
// never change under their name, so copying after the snapshot is safe;
// one can only disappear when the trash releases it after the snapshot
// was taken, and then the backup stops rather than miss a file.
func copyContent(dataDir, dir, sum string) (File, error) {
	rel := filesDir + "/" + sum[:2] + "/" + sum[2:]
	src := filepath.Join(dataDir, filepath.FromSlash(rel))
	got, size, err := copyFile(src, filepath.Join(dir, filepath.FromSlash(rel)))
	if errors.Is(err, os.ErrNotExist) {
		return File{}, fmt.Errorf("attachment content %s is missing from %s: it was purged while the backup ran, or the data directory is incomplete; run the backup again", sum, dataDir)
	}
	if err != nil {
		return File{}, fmt.Errorf("copy attachment content %s: %w", sum, err)
	}
	if got != sum {
		return File{}, fmt.Errorf("attachment content %s in %s is damaged (its checksum is %s)", sum, dataDir, got)
	}
	return File{Path: rel, SHA256: sum, Size: size}, nil
}
