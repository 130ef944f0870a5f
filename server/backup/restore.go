package backup

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// RestoreOptions say which backup goes into which empty instance.
type RestoreOptions struct {
	Pool        *pgxpool.Pool
	DatabaseURL string
	DataDir     string
	Dir         string
	PGBin       string
	// SchemaVersion is the newest migration this binary knows; a backup of
	// a newer schema cannot be restored by it.
	SchemaVersion int
	Log           *slog.Logger
}

// Restore checks a backup completely and then loads it into an empty
// database and data directory. The caller migrates the schema if the
// backup's is older and rebuilds the search index.
func Restore(ctx context.Context, o RestoreOptions) (*Manifest, error) {
	pgRestore, err := Tool(o.PGBin, "pg_restore")
	if err != nil {
		return nil, err
	}
	m, err := readManifest(o.Dir)
	if err != nil {
		return nil, err
	}
	if m.SchemaVersion > o.SchemaVersion {
		return nil, fmt.Errorf("the backup has schema version %d, this fachnetz knows only up to %d: restore with the version that wrote it (%s) or a newer one", m.SchemaVersion, o.SchemaVersion, m.Version)
	}
	if err := m.verify(o.Dir); err != nil {
		return nil, fmt.Errorf("backup %s: %w; nothing was restored", o.Dir, err)
	}
	if err := emptyDir(o.DataDir, "data directory"); err != nil {
		return nil, fmt.Errorf("%w; restore goes into an empty instance only", err)
	}
	if n, err := relations(ctx, o.Pool); err != nil {
		return nil, err
	} else if n > 0 {
		return nil, fmt.Errorf("the database is not empty (%d tables, sequences or views); restore goes into an empty database only: create one with createdb", n)
	}
	err = runTool(ctx, pgRestore, o.DatabaseURL, "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", filepath.Join(o.Dir, dumpName))
	if err != nil {
		return nil, fmt.Errorf("restore database: %w", err)
	}
	for _, f := range m.Files {
		if !strings.HasPrefix(f.Path, filesDir+"/") {
			continue
		}
		rel := filepath.FromSlash(f.Path)
		sum, _, err := copyFile(filepath.Join(o.Dir, rel), filepath.Join(o.DataDir, rel))
		if err != nil {
			return nil, fmt.Errorf("restore %s: %w (the database is restored already: drop and create it and empty the data directory before the next attempt)", f.Path, err)
		}
		if sum != f.SHA256 {
			return nil, fmt.Errorf("restore %s: it changed while it was copied", f.Path)
		}
	}
	if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if o.Log != nil {
		o.Log.Info("backup restored", "dir", o.Dir, "schema_version", m.SchemaVersion)
	}
	return m, nil
}
