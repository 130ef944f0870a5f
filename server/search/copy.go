package search

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// copyDocuments writes documents and their words (their vocabulary) into
// PostgreSQL's copy, as the mirror does for changed ones.
func (s *Service) copyDocuments(ctx context.Context, docs []Document, words []string) error {
	return postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := saveDocuments(ctx, tx, docs); err != nil {
			return err
		}
		return saveWords(ctx, tx, words)
	})
}

// copyItems writes the current documents of items into the copy and
// deletes those of items that have none any more.
func (s *Service) copyItems(ctx context.Context, items map[string][]int64) error {
	docs, gone, err := s.documentsOf(ctx, items)
	if err != nil {
		return err
	}
	s.addCompounds(docs)
	return postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := saveDocuments(ctx, tx, docs); err != nil {
			return err
		}
		if err := deleteDocuments(ctx, tx, gone); err != nil {
			return err
		}
		return saveWords(ctx, tx, vocabulary(docs))
	})
}

// dropStaleCopies deletes the copy's documents that a reindex did not
// write and whose item no longer exists. An item created while the
// reindex ran is not in seen but exists, and stays.
func (s *Service) dropStaleCopies(ctx context.Context, seen map[string]bool) error {
	ids, err := s.copyIDs(ctx)
	if err != nil {
		return err
	}
	unseen := map[string][]int64{}
	var unknown []string
	for _, id := range ids {
		if seen[id] {
			continue
		}
		kind, n, ok := parseDocumentID(id)
		if _, known := s.sources[kind]; !ok || !known {
			unknown = append(unknown, id)
			continue
		}
		unseen[kind] = append(unseen[kind], n)
	}
	gone := unknown
	for kind, items := range unseen {
		found, err := s.sources[kind].Documents(ctx, items)
		if err != nil {
			return fmt.Errorf("load %s documents: %w", kind, err)
		}
		exists := map[string]bool{}
		for _, d := range found {
			exists[d.ID] = true
		}
		for _, n := range items {
			if id := DocumentID(kind, n); !exists[id] {
				gone = append(gone, id)
			}
		}
	}
	return postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error { return deleteDocuments(ctx, tx, gone) })
}

// parseDocumentID splits a DocumentID into its kind and item id.
func parseDocumentID(id string) (string, int64, bool) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.ParseInt(id[i+1:], 10, 64)
	return id[:i], n, err == nil
}

// PruneWords deletes the words of the vocabulary for typo correction that
// no document contains any more: words of deleted and changed content,
// names among them, must not outlive it.
func (s *Service) PruneWords(ctx context.Context) (int64, error) {
	var total int64
	for after := ""; ; {
		last, n, err := s.pruneWords(ctx, after, 2000)
		if err != nil {
			return total, err
		}
		total += n
		if last == "" {
			return total, nil
		}
		after = last
	}
}

// pruneWordsOutside is PruneWords after a rebuild that saw every
// document's words: only the vocabulary's words outside them can be stale,
// so only those are looked up in the copy's vectors, not every word. A
// word of a document written while the rebuild ran is among them and is
// kept, as PruneWords keeps it.
func (s *Service) pruneWordsOutside(ctx context.Context, vocab map[string]struct{}) (int64, error) {
	var stale []string
	err := s.eachWord(ctx, func(w string) {
		if _, ok := vocab[w]; !ok {
			stale = append(stale, w)
		}
	})
	if err != nil {
		return 0, err
	}
	var total int64
	for len(stale) > 0 {
		n := min(len(stale), 2000)
		deleted, err := s.pruneListedWords(ctx, stale[:n])
		if err != nil {
			return total, err
		}
		total += deleted
		stale = stale[n:]
	}
	return total, nil
}

// pruneEvery is how often the vocabulary is pruned while serving.
const pruneEvery = 24 * time.Hour

// runPrune prunes the vocabulary every pruneEvery until ctx ends. Several
// servers may do it at once: each deletes only what no document holds.
func (s *Service) runPrune(ctx context.Context) {
	for sleep(ctx, pruneEvery) {
		if n, err := s.PruneWords(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("search: could not prune the vocabulary; will retry", "err", err)
		} else if n > 0 {
			s.log.Info("search: vocabulary pruned", "words", n)
		}
	}
}
