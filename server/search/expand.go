package search

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// TopicSource is a Source whose documents show topics: it names the items
// a change of topics reaches.
type TopicSource interface {
	// TopicItems are the ids of the items whose documents show one of
	// topicIDs, by name or by label.
	TopicItems(ctx context.Context, topicIDs []int64) ([]int64, error)
}

// AgencySource is a Source whose items lie in the spaces of an agency.
type AgencySource interface {
	// AgencyItems are the ids of the items in the spaces of agencyIDs.
	AgencyItems(ctx context.Context, agencyIDs []int64) ([]int64, error)
}

// expand answers topic and agency rows with the items of every source
// they reach, merged into the items of the other kinds, each id once.
// Asked when the batch is sent rather than when the row is written, the
// sources answer from the state after the change: a merged topic's
// content carries the topic it went into by then.
func (s *Service) expand(ctx context.Context, items map[string][]int64) (map[string][]int64, error) {
	topicIDs, agencyIDs := items[KindTopic], items[KindAgency]
	if len(topicIDs) == 0 && len(agencyIDs) == 0 {
		return items, nil
	}
	out := maps.Clone(items)
	delete(out, KindTopic)
	delete(out, KindAgency)
	for _, kind := range s.order {
		var reached []int64
		if src, ok := s.sources[kind].(TopicSource); ok && len(topicIDs) > 0 {
			ids, err := src.TopicItems(ctx, topicIDs)
			if err != nil {
				return nil, fmt.Errorf("%s items of topics: %w", kind, err)
			}
			reached = append(reached, ids...)
		}
		if src, ok := s.sources[kind].(AgencySource); ok && len(agencyIDs) > 0 {
			ids, err := src.AgencyItems(ctx, agencyIDs)
			if err != nil {
				return nil, fmt.Errorf("%s items of agencies: %w", kind, err)
			}
			reached = append(reached, ids...)
		}
		if len(reached) > 0 {
			all := append(slices.Clone(out[kind]), reached...)
			slices.Sort(all)
			out[kind] = slices.Compact(all)
		}
	}
	return out, nil
}

// expandedKinds are the kinds of outbox rows that expandPending answers.
var expandedKinds = []string{KindTopic, KindAgency}

// expandPending rewrites the outbox's pending topic and agency rows into
// rows of the items they reach, a batch at a time, and marks them
// processed. The items then go through the outbox (and, by its trigger,
// the copy queue) in batches of their own like any change, however many
// a topic or an agency reaches. It needs no Meilisearch: the mirror runs
// it too, so that the copy in PostgreSQL follows topic changes while the
// index is away.
func (s *Service) expandPending(ctx context.Context) error {
	for {
		var n int
		err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
			batch, err := pendingOutbox(ctx, tx, `kind = ANY($1)`)
			if err != nil || len(batch) == 0 {
				return err
			}
			items, ids := byKind(batch)
			reached, err := s.expand(ctx, items)
			if err != nil {
				return err
			}
			for _, kind := range slices.Sorted(maps.Keys(reached)) {
				if err := Enqueue(ctx, tx, kind, reached[kind]...); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `UPDATE search_outbox SET processed_at = now() WHERE id = ANY($1)`, ids); err != nil {
				return fmt.Errorf("mark expanded outbox rows: %w", err)
			}
			n = len(batch)
			if len(items[KindTopic]) > 0 {
				s.settingsDue.Store(true)
			}
			return nil
		})
		if err != nil || n < batchSize {
			return err
		}
	}
}

// expandPendingOrTell expands what it can; a failure is logged and tried
// again with the next batch, while the changes of other kinds go on.
func (s *Service) expandPendingOrTell(ctx context.Context) {
	if err := s.expandPending(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("search outbox: topic or agency rows not expanded; will retry", "err", err)
	}
}

// pendingOutbox locks the oldest batch of unprocessed outbox rows whose
// kind is or is not (by where, on $1) one of expandedKinds.
func pendingOutbox(ctx context.Context, tx pgx.Tx, where string) ([]outboxRow, error) {
	rows, err := tx.Query(ctx, `SELECT id, kind, item_id FROM search_outbox WHERE processed_at IS NULL AND `+where+`
		ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`, expandedKinds, batchSize)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	batch, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (outboxRow, error) {
		var o outboxRow
		return o, r.Scan(&o.id, &o.kind, &o.itemID)
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return batch, nil
}
