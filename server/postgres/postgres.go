// Package postgres opens Fachnetz's connection pool and runs its
// migrations. PostgreSQL is the only store of record.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Open connects to the database and checks that it answers within timeout.
// Its error never contains the password of the connection string.
func Open(ctx context.Context, url string, timeout time.Duration) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL is malformed: %w", redact(err))
	}
	cfg.ConnConfig.ConnectTimeout = timeout
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database: %w", redact(err))
	}
	pingCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("PostgreSQL unreachable at %s: %w", Address(cfg.ConnConfig.Config), redact(err))
	}
	return pool, nil
}

// Address names the server of a connection configuration for messages.
func Address(cfg pgconn.Config) string {
	if len(cfg.Host) > 0 && cfg.Host[0] == '/' {
		return fmt.Sprintf("%s/.s.PGSQL.%d", cfg.Host, cfg.Port)
	}
	return net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port))
}

// redact keeps the connection string, and with it any password, out of an
// error, and folds multi-line dial errors into one line.
func redact(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		if inner := errors.Unwrap(pe); inner != nil {
			return fmt.Errorf("cannot parse the connection string: %s", oneLine(inner.Error()))
		}
		return errors.New("cannot parse the connection string")
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return errors.New(oneLine(errors.Unwrap(ce).Error()))
	}
	return err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// LikeEscape makes a typed text match itself in LIKE and ILIKE patterns:
// %, _ and \ are not wildcards then.
func LikeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Querier is what stores need: a pool or a transaction.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// WithTx runs fn in a transaction, committing when fn returns nil and
// rolling back otherwise.
func WithTx(ctx context.Context, pool *pgxpool.Pool, fn func(tx pgx.Tx) error) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}
