package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/backup"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// backupFlags reads the configuration, the PostgreSQL binaries' directory
// and the one backup directory a backup or restore command takes.
func backupFlags(name string, e env, args []string) (*Config, string, string, error) {
	fs := newFlags(name, e)
	pgBin := fs.String("pg-bin", "", "directory of pg_dump and pg_restore; searched on PATH and in /usr/lib/postgresql/*/bin when empty (FACHNETZ_PG_BIN)")
	cfg, rest, err := loadConfigArgs(fs, args, e.getenv)
	if err != nil {
		return nil, "", "", err
	}
	if len(rest) != 1 {
		return nil, "", "", &configError{fmt.Sprintf("want one backup directory: fachnetz %s DIR", name)}
	}
	if *pgBin == "" {
		*pgBin = e.getenv("FACHNETZ_PG_BIN")
	}
	return cfg, *pgBin, rest[0], nil
}

// backupCommand writes a consistent backup while the server keeps
// running.
func backupCommand(ctx context.Context, e env, args []string) error {
	cfg, pgBin, dir, err := backupFlags("backup", e, args)
	if err != nil {
		return err
	}
	start := time.Now()
	var m *backup.Manifest
	err = withPool(ctx, cfg, func(pool *pgxpool.Pool) (err error) {
		m, err = backup.Take(ctx, backup.Options{
			Pool: pool, DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, Dir: dir, PGBin: pgBin,
			Version: versionString(), Log: newLogger(e.stderr, cfg.LogLevel),
		})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup of schema version %d with %d files written to %s in %s\n", m.SchemaVersion, len(m.Files), dir, time.Since(start).Round(time.Millisecond))
	return nil
}

// restoreCommand loads a backup into an empty instance, brings its schema
// up to date and rebuilds the search index, which a backup does not hold.
func restoreCommand(ctx context.Context, e env, args []string) error {
	cfg, pgBin, dir, err := backupFlags("restore", e, args)
	if err != nil {
		return err
	}
	migrations, err := postgres.Migrations()
	if err != nil {
		return err
	}
	log := newLogger(e.stderr, cfg.LogLevel)
	var m *backup.Manifest
	// The pool is closed before the restored instance opens its own.
	err = withPool(ctx, cfg, func(pool *pgxpool.Pool) (err error) {
		m, err = backup.Restore(ctx, backup.RestoreOptions{
			Pool: pool, DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, Dir: dir, PGBin: pgBin,
			SchemaVersion: len(migrations), Log: log,
		})
		return err
	})
	if err != nil {
		return err
	}
	cfg.Addr = "127.0.0.1:0" // Open takes a port; restore serves nothing
	cfg.Migrate = true
	s, err := Open(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("open the restored instance: %w", err)
	}
	defer s.Close()
	total, err := s.rebuildIndex(ctx, e)
	if err != nil {
		return fmt.Errorf("rebuild the search index: %w", err)
	}
	fmt.Fprintf(e.stdout, "restored %d files of schema version %d from %s and indexed %d documents\n", len(m.Files), m.SchemaVersion, dir, total)
	return nil
}
