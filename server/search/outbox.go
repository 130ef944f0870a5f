package search

import (
	"context"
	"fmt"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Enqueue records that items of a kind changed. Call it in the transaction
// that changed them: the row then exists exactly when the change does.
func Enqueue(ctx context.Context, q postgres.Querier, kind string, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := q.Exec(ctx, `INSERT INTO search_outbox (kind, item_id) SELECT $1, unnest($2::bigint[])`, kind, ids); err != nil {
		return fmt.Errorf("search outbox: %w", err)
	}
	return nil
}
