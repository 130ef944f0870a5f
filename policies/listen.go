package policies

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// channel is the PostgreSQL NOTIFY channel the triggers of migration 0002
// announce rule changes on.
const channel = "fachnetz_policies"

// Listen reloads the rules whenever any process changes them, until ctx
// ends. It holds one connection of its own; after losing it, it reconnects
// and reloads, since notices sent meanwhile are lost.
func (e *Enforcer) Listen(ctx context.Context) {
	backoff := time.Second
	for ctx.Err() == nil {
		err := e.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		e.log.Warn("policy listener lost its connection; reconnecting", "err", err, "in", backoff.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// Listening is closed once Listen has begun to hear of changes. A server
// answers requests only after it, so that a change made by another
// process while this one started is never missed.
func (e *Enforcer) Listening() <-chan struct{} { return e.listening }

func (e *Enforcer) listenOnce(ctx context.Context) error {
	pooled, err := e.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// Take the connection out of the pool: it stays in LISTEN mode.
	conn := pooled.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	if err := e.Reload(ctx); err != nil {
		return err
	}
	e.listeningOnce.Do(func() { close(e.listening) })
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		// A burst of changes (an import, a group with many members) sends
		// one notice each; one reload covers them all. Reloading per notice
		// lets a backlog build up, and every process answers from stale
		// rules until it has worked through it.
		if err := drain(ctx, conn); err != nil {
			return err
		}
		if err := e.Reload(ctx); err != nil {
			e.log.Error("reload policies", "err", err)
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
