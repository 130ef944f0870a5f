package policies

import (
	"context"
	"time"
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
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		if err := e.Reload(ctx); err != nil {
			e.log.Error("reload policies", "err", err)
		}
	}
}
