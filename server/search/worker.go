package search

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/meilisearch/meilisearch-go"

	"github.com/fachnetz/fachnetz/server/postgres"
)

const batchSize = 500

// Run sends outbox rows to Meilisearch until ctx ends: woken by NOTIFY,
// polling as a fallback, retrying with backoff while Meilisearch is away.
// Several servers may run it at once; SKIP LOCKED gives each row to one.
func (s *Service) Run(ctx context.Context) {
	go s.listen(ctx)
	go s.runMirror(ctx)
	go s.runPrune(ctx)
	s.keepDraining(ctx, s.wake, "search outbox: Meilisearch did not take the batch; will retry", func(ctx context.Context) (int, error) {
		n, err := s.processBatch(ctx)
		s.refreshOldest(ctx)
		return n, err
	})
}

// keepDraining runs batch until ctx ends: again at once while batches come
// back full, after a growing pause when one fails, and otherwise when woken
// or after the poll interval.
func (s *Service) keepDraining(ctx context.Context, wake <-chan struct{}, failed string, batch func(context.Context) (int, error)) {
	backoff := time.Second
	for ctx.Err() == nil {
		n, err := batch(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Warn(failed, "err", err, "in", backoff.String())
			if !sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, 30*time.Second)
			continue
		}
		backoff = time.Second
		if n == batchSize {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-time.After(s.cfg.Poll):
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// listen turns notifications about new outbox rows into wake-ups, also
// once it listens again after a lost connection.
func (s *Service) listen(ctx context.Context) {
	postgres.Listen(ctx, s.pool, "fachnetz_search", s.log, "search outbox listener", func(context.Context) error {
		for _, wake := range []chan struct{}{s.wake, s.mirrorWake} {
			select {
			case wake <- struct{}{}:
			default:
			}
		}
		return nil
	})
}

// refreshOldest remembers how old the oldest pending change is, for the
// decision whether the index is too far behind to answer.
func (s *Service) refreshOldest(ctx context.Context) {
	var oldest *time.Time
	if err := s.pool.QueryRow(ctx, `SELECT min(created_at) FROM search_outbox WHERE processed_at IS NULL`).Scan(&oldest); err != nil {
		return
	}
	if oldest == nil {
		s.oldest.Store(0)
	} else {
		s.oldest.Store(oldest.UnixMilli())
	}
}

type outboxRow struct {
	id     int64
	kind   string
	itemID int64
}

// byKind groups the items of a batch by kind and lists the ids of its rows.
func byKind(batch []outboxRow) (items map[string][]int64, ids []int64) {
	items = map[string][]int64{}
	ids = make([]int64, len(batch))
	for i, o := range batch {
		items[o.kind] = append(items[o.kind], o.itemID)
		ids[i] = o.id
	}
	return items, ids
}

// processBatch sends one batch and marks its rows processed in the same
// transaction that locked them, only after Meilisearch confirmed the
// tasks: a failure leaves the rows for the next try (at least once; the
// document id makes a repeat harmless).
func (s *Service) processBatch(ctx context.Context) (int, error) {
	s.expandPendingOrTell(ctx)
	if err := s.ensureIndex(ctx); err != nil {
		return 0, err
	}
	// The tree gives the synonyms; they apply before the documents that
	// show the changed names, which the expansion queued after. A
	// failure is told and tried again with the next batch; the documents
	// go on.
	if s.settingsDue.CompareAndSwap(true, false) {
		if err := s.RefreshSettings(ctx); err != nil {
			s.settingsDue.Store(true)
			s.log.Warn("search settings not refreshed", "err", err)
		}
	}
	var n int
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		batch, err := pendingOutbox(ctx, tx, `kind <> ALL($1)`)
		if err != nil || len(batch) == 0 {
			return err
		}
		items, ids := byKind(batch)
		if err := s.send(ctx, s.cfg.Index, items); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE search_outbox SET processed_at = now() WHERE id = ANY($1)`, ids); err != nil {
			return fmt.Errorf("mark outbox rows: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM search_outbox WHERE processed_at < now() - interval '1 hour'`); err != nil {
			return fmt.Errorf("clean outbox: %w", err)
		}
		n = len(batch)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// send brings the index up to date for the given items: the current
// document of each, or its deletion when it no longer has one.
func (s *Service) send(ctx context.Context, uid string, items map[string][]int64) error {
	docs, gone, err := s.documentsOf(ctx, items)
	if err != nil {
		return err
	}
	return s.apply(ctx, uid, docs, gone)
}

// documentsOf loads the documents of items by kind; the ids of items that
// have none any more (deleted, or no longer to be found) come back as
// gone. Topic and agency rows name no document: the rows of the items
// they reach follow them (expandPending).
func (s *Service) documentsOf(ctx context.Context, items map[string][]int64) (docs []Document, gone []string, err error) {
	for kind, ids := range items {
		if kind == KindTopic || kind == KindAgency {
			continue
		}
		src, ok := s.sources[kind]
		if !ok {
			s.log.Warn("search: no source for kind", "kind", kind)
			continue
		}
		// A reindex's replay may name many items: they are read a batch
		// at a time.
		var found []Document
		for part := range slices.Chunk(ids, batchSize) {
			more, err := src.Documents(ctx, part)
			if err != nil {
				return nil, nil, fmt.Errorf("load %s documents: %w", kind, err)
			}
			found = append(found, more...)
		}
		present := make(map[string]bool, len(found))
		for _, d := range found {
			present[d.ID] = true
		}
		for _, id := range ids {
			if docID := DocumentID(kind, id); !present[docID] {
				gone = append(gone, docID)
			}
		}
		docs = append(docs, found...)
	}
	return docs, gone, nil
}

func (s *Service) apply(ctx context.Context, uid string, docs []Document, gone []string) error {
	var tasks []int64
	if len(docs) > 0 {
		s.addCompounds(docs)
		pk := "id"
		task, err := s.index(uid).AddDocumentsWithContext(ctx, docs, &meilisearch.DocumentOptions{PrimaryKey: &pk})
		if err != nil {
			return fmt.Errorf("add documents: %w", err)
		}
		tasks = append(tasks, task.TaskUID)
	}
	if len(gone) > 0 {
		task, err := s.index(uid).DeleteDocumentsWithContext(ctx, gone, nil)
		if err != nil {
			return fmt.Errorf("delete documents: %w", err)
		}
		tasks = append(tasks, task.TaskUID)
	}
	for _, t := range tasks {
		if err := s.wait(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) addCompounds(docs []Document) {
	if s.cfg.Compounds == nil {
		return
	}
	for i := range docs {
		docs[i].Compounds = s.cfg.Compounds(docs[i].Title + "\n" + docs[i].Body)
	}
}

// DocumentID is the id of an item's document: unique across kinds.
func DocumentID(kind string, id int64) string { return fmt.Sprintf("%s-%d", kind, id) }
