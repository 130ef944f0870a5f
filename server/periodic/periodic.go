// Package periodic runs a server's housekeeping: purges, sweeps and
// aggregations, each at once and then every interval until the server
// stops. A failed round is logged and the job runs again at the next one.
package periodic

import (
	"context"
	"log/slog"
	"time"
)

// Run calls job at once and then every interval until ctx ends. A failure
// is logged under name, unless it only says that ctx ended.
func Run(ctx context.Context, interval time.Duration, log *slog.Logger, name string, job func(context.Context) error) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if err := job(ctx); err != nil && ctx.Err() == nil {
			log.Warn(name, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
