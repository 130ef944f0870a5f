package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestDatabaseEnv names the variable that points tests at the PostgreSQL
// started by scripts/with-services.sh.
const TestDatabaseEnv = "FACHNETZ_TEST_DATABASE_URL"

// TestDatabase is a freshly created and migrated database that belongs to
// one test package.
type TestDatabase struct {
	URL   string
	Pool  *pgxpool.Pool
	admin *pgxpool.Pool
	name  string
}

// NewTestDatabase creates a database named after the test package, with a
// random suffix so that packages tested in parallel never share one. A
// missing test PostgreSQL is an error, never a reason to skip.
func NewTestDatabase(ctx context.Context, pkg string) (*TestDatabase, error) {
	return newTestDatabase(ctx, pkg, true)
}

// RunTests runs a package's tests (TestMain's m) against a test database
// of their own, in *db while they run, and returns the exit code.
func RunTests(m *testing.M, pkg string, db **TestDatabase) int {
	var err error
	if *db, err = NewTestDatabase(context.Background(), pkg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer (*db).Close()
	return m.Run()
}

// NewEmptyTestDatabase is NewTestDatabase without the migrations: an
// empty database, as a restore wants one.
func NewEmptyTestDatabase(ctx context.Context, pkg string) (*TestDatabase, error) {
	return newTestDatabase(ctx, pkg, false)
}

func newTestDatabase(ctx context.Context, pkg string, migrate bool) (*TestDatabase, error) {
	adminURL := os.Getenv(TestDatabaseEnv)
	if adminURL == "" {
		return nil, errors.New(TestDatabaseEnv + " is not set: run tests through scripts/with-services.sh or make test")
	}
	admin, err := Open(ctx, adminURL, 10*time.Second)
	if err != nil {
		return nil, fmt.Errorf("test database: %w", err)
	}
	suffix := make([]byte, 4)
	rand.Read(suffix)
	name := "test_" + pkg + "_" + hex.EncodeToString(suffix)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		admin.Close()
		return nil, fmt.Errorf("create test database %s: %w", name, err)
	}
	cfg, err := pgxpool.ParseConfig(adminURL)
	if err != nil {
		admin.Close()
		return nil, err
	}
	cfg.ConnConfig.Database = name
	db := &TestDatabase{URL: withDatabase(adminURL, name), admin: admin, name: name}
	db.Pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err == nil && migrate {
		_, err = Migrate(ctx, db.Pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("prepare test database %s: %w", name, err)
	}
	return db, nil
}

// Close drops the database.
func (db *TestDatabase) Close() {
	if db.Pool != nil {
		db.Pool.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{db.name}.Sanitize()+" WITH (FORCE)") //nolint:errcheck // the test instance is thrown away anyway
	db.admin.Close()
}

// withDatabase points a connection string at another database.
func withDatabase(conn, name string) string {
	u, err := url.Parse(conn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return conn + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

// Int runs a query that answers one number (an id, a count) and fails
// the test when it does not.
func (db *TestDatabase) Int(t testing.TB, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// Name is the database's name, random per test run.
func (db *TestDatabase) Name() string { return db.name }

// UnreachableError is the error a pool answers with when PostgreSQL
// cannot be reached: its address is a port nobody listens on. For tests
// of how callers answer an outage; should the port answer after all, the
// error says so.
func UnreachableError(ctx context.Context) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	pool, err := pgxpool.New(ctx, "postgres://x:y@"+addr+"/z?sslmode=disable&connect_timeout=1")
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `SELECT 1`); err != nil {
		return err
	}
	return errors.New("a query through a closed port succeeded")
}
