package postgres

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Listen follows a NOTIFY channel until ctx ends, on a connection of its
// own taken out of the pool. heard runs once the channel is listened to
// (notices sent while nobody listened are lost, so the caller catches up)
// and again after every burst of notices: a burst of changes (an import,
// a group with many members) sends one notice each, and one call covers
// them all. A failing first call or a lost connection is logged as name,
// and Listen reconnects after a growing pause; a failing later call is
// logged and listening goes on.
func Listen(ctx context.Context, pool *pgxpool.Pool, channel string, log *slog.Logger, name string, heard func(context.Context) error) {
	backoff := time.Second
	for ctx.Err() == nil {
		listened, err := listenOnce(ctx, pool, channel, log, name, heard)
		if ctx.Err() != nil {
			return
		}
		if listened {
			// It ran: a connection lost now is a new trouble, not the
			// same one again.
			backoff = time.Second
		}
		log.Warn(name+" lost its connection; reconnecting", "err", err, "in", backoff.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

func listenOnce(ctx context.Context, pool *pgxpool.Pool, channel string, log *slog.Logger, name string, heard func(context.Context) error) (listened bool, err error) {
	pooled, err := pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	// The connection stays in LISTEN mode: it never goes back to the pool.
	conn := pooled.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return false, err
	}
	if err := heard(ctx); err != nil {
		return false, err
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return true, err
		}
		if err := drain(ctx, conn); err != nil {
			return true, err
		}
		if err := heard(ctx); err != nil && ctx.Err() == nil {
			log.Error(name, "err", err)
		}
	}
}

// drain takes the notices that have already arrived.
func drain(ctx context.Context, conn *pgx.Conn) error {
	for {
		wait, cancel := context.WithTimeout(ctx, 5*time.Millisecond)
		_, err := conn.WaitForNotification(wait)
		cancel()
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err):
			return nil
		default:
			return err
		}
	}
}
