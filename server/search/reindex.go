package search

import (
	"context"
	"fmt"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// Progress is told how far a reindex has come.
type Progress func(done, total int)

// Reindex builds a fresh index from PostgreSQL and swaps it in for the
// live one, so that search keeps answering from the old index until the
// new one is complete. Changes made while it runs are replayed onto the
// new index after the swap, from the outbox rows written since it began.
// PostgreSQL's copy is rebuilt on the way: every document written again,
// those of items that are gone deleted, and the vocabulary pruned.
func (s *Service) Reindex(ctx context.Context, total int, progress Progress) error {
	started := time.Now()
	fresh := fmt.Sprintf("%s_%d", s.cfg.Index, started.UnixNano())
	if err := s.prepare(ctx, fresh); err != nil {
		return err
	}
	r := newRebuild(s, fresh, total, progress)
	if err := r.run(ctx); err != nil {
		s.client.DeleteIndexWithContext(context.WithoutCancel(ctx), fresh) //nolint:errcheck // best effort
		return err
	}
	if err := s.swap(ctx, fresh); err != nil {
		return err
	}
	if err := s.replay(ctx, started); err != nil {
		return err
	}
	if err := s.dropStaleCopies(ctx, r.seen); err != nil {
		return err
	}
	_, err := s.pruneWordsOutside(ctx, r.vocab)
	return err
}

// swap makes fresh the live index and drops the old one. Without a live
// index (a new or emptied Meilisearch) an empty one is created to swap
// with: Meilisearch refuses to swap with an index that does not exist.
func (s *Service) swap(ctx context.Context, fresh string) error {
	if _, err := s.client.GetIndexWithContext(ctx, s.cfg.Index); err != nil {
		task, err := s.client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: s.cfg.Index, PrimaryKey: "id"})
		if err != nil {
			return fmt.Errorf("create index %s: %w", s.cfg.Index, err)
		}
		if err := s.wait(ctx, task.TaskUID); err != nil {
			return fmt.Errorf("create index %s: %w", s.cfg.Index, err)
		}
	}
	task, err := s.client.SwapIndexesWithContext(ctx, []*meilisearch.SwapIndexesParams{{Indexes: []string{s.cfg.Index, fresh}}})
	if err != nil {
		return fmt.Errorf("swap indexes: %w", err)
	}
	if err := s.wait(ctx, task.TaskUID); err != nil {
		return fmt.Errorf("swap indexes: %w", err)
	}
	if task, err := s.client.DeleteIndexWithContext(ctx, fresh); err == nil {
		s.wait(ctx, task.TaskUID) //nolint:errcheck // the old index only takes space
	}
	s.mu.Lock()
	s.ready = true
	s.mu.Unlock()
	return nil
}

// replay sends every item changed since the reindex began to the live
// index and the copy again, processed or not: its document may have been
// read before the change and written after it.
func (s *Service) replay(ctx context.Context, since time.Time) error {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT kind, item_id FROM search_outbox WHERE created_at >= $1`, since.Add(-time.Second))
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	items := map[string][]int64{}
	for rows.Next() {
		var kind string
		var id int64
		if err := rows.Scan(&kind, &id); err != nil {
			rows.Close()
			return err
		}
		items[kind] = append(items[kind], id)
	}
	rows.Close()
	if len(items) == 0 {
		return nil
	}
	if err := s.send(ctx, s.cfg.Index, items); err != nil {
		return err
	}
	return s.copyItems(ctx, items)
}

// Count is how many documents all sources hold, for the progress bar.
func (s *Service) Count(ctx context.Context) (int, error) {
	total := 0
	for _, kind := range s.order {
		n, err := s.sources[kind].Count(ctx)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
