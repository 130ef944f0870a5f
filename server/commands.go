package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/postgres"
)

func serveCommand(ctx context.Context, e env, args []string) error {
	cfg, err := loadConfig(newFlags("serve", e), args, e.getenv)
	if err != nil {
		return err
	}
	log := newLogger(e.stderr, cfg.LogLevel)
	limitMemory(e.getenv)
	s, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Serve(ctx)
}

// defaultMemoryLimit is the Go runtime's soft memory limit for serve
// unless GOMEMLIMIT sets another: the garbage collector works harder as
// the heap nears it instead of letting it grow to twice what is live, so
// that a server stays within the 150 MB of DESIGN.md section 9 (the rest
// is the binary's code and data).
const defaultMemoryLimit = 100 << 20

func limitMemory(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

func migrateCommand(ctx context.Context, e env, args []string) error {
	pool, n, err := openMigrated(ctx, e, "migrate", args)
	if err != nil {
		return err
	}
	pool.Close()
	fmt.Fprintf(e.stdout, "%d migrations applied\n", n)
	return nil
}

// openMigrated reads a command's configuration, opens the database and
// brings its schema up to date; n is the number of migrations applied.
// The caller closes the pool.
func openMigrated(ctx context.Context, e env, name string, args []string) (pool *pgxpool.Pool, n int, err error) {
	cfg, err := loadConfig(newFlags(name, e), args, e.getenv)
	if err != nil {
		return nil, 0, err
	}
	if pool, err = openPool(ctx, cfg); err != nil {
		return nil, 0, err
	}
	if n, err = postgres.Migrate(ctx, pool, newLogger(e.stderr, cfg.LogLevel)); err != nil {
		pool.Close()
		return nil, 0, err
	}
	return pool, n, nil
}

// openPool opens the database of a configuration, for serve and every
// command; the caller closes it.
func openPool(ctx context.Context, cfg *Config) (*pgxpool.Pool, error) {
	return postgres.Open(ctx, cfg.DatabaseURL, 5*time.Second)
}

// withPool runs fn on the database of a command's configuration and
// closes it when fn returns.
func withPool(ctx context.Context, cfg *Config, fn func(pool *pgxpool.Pool) error) error {
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	return fn(pool)
}

func healthcheckCommand(ctx context.Context, e env, args []string) error {
	fs := newFlags("healthcheck", e)
	addr := fs.String("addr", "127.0.0.1:8080", "address of the local server")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return &configError{fmt.Sprintf("unexpected argument %q", rest[0])}
	}
	if v := e.getenv("FACHNETZ_ADDR"); v != "" && !isFlagSet(fs, "addr") {
		*addr = v
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return &configError{fmt.Sprintf("--addr %q: want host:port", *addr)}
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /healthz answered %s", resp.Status)
	}
	return nil
}
