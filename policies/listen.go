package policies

import (
	"context"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// channel is the PostgreSQL NOTIFY channel the triggers of migration 0002
// announce rule changes on.
const channel = "fachnetz_policies"

// Listen reloads the rules whenever any process changes them, until ctx
// ends. It holds one connection of its own; after losing it, it reconnects
// and reloads, since notices sent meanwhile are lost.
func (e *Enforcer) Listen(ctx context.Context) {
	postgres.Listen(ctx, e.pool, channel, e.log, "policy listener", func(ctx context.Context) error {
		if err := e.Reload(ctx); err != nil {
			return err
		}
		e.listeningOnce.Do(func() { close(e.listening) })
		return nil
	})
}

// Listening is closed once Listen has begun to hear of changes. A server
// answers requests only after it, so that a change made by another
// process while this one started is never missed.
func (e *Enforcer) Listening() <-chan struct{} { return e.listening }
