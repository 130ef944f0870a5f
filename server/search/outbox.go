package search

import (
	"context"
	"fmt"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Kinds of outbox rows that name no document of their own but a thing
// whose change reaches the documents of other kinds; the worker asks the
// sources which of their items that are (expand.go).
const (
	// KindTopic is a topic that was created, renamed, re-labelled, moved,
	// merged or deleted: the documents that show it change, and so do the
	// index's synonyms.
	KindTopic = "topic"
	// KindAgency is an agency whose file-number patterns changed: the
	// documents of its spaces link other file numbers now.
	KindAgency = "agency"
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
