package search

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// runMirror copies changed documents, queued beside the outbox rows by a
// trigger (migration 0015), into PostgreSQL's
// search tables until ctx ends. It runs beside the Meilisearch worker and
// never waits for it: the copy is what search answers from while
// Meilisearch is away, so it must follow changes then most of all.
func (s *Service) runMirror(ctx context.Context) {
	s.keepDraining(ctx, s.mirrorWake, "search copy: could not copy changed documents; will retry", s.mirrorBatch)
}

// mirrorBatch copies the documents of one batch of queued changes and
// takes them from the queue in the same transaction.
func (s *Service) mirrorBatch(ctx context.Context) (int, error) {
	// The worker expands topic and agency rows too, but waits while
	// Meilisearch is away; the copy follows topic changes at once.
	s.expandPendingOrTell(ctx)
	var n int
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		batch, err := pendingMirror(ctx, tx, batchSize)
		if err != nil || len(batch) == 0 {
			return err
		}
		items, ids := byKind(batch)
		docs, gone, err := s.documentsOf(ctx, items)
		if err != nil {
			return err
		}
		s.addCompounds(docs)
		// One item may be in the batch twice; the database takes each id once.
		slices.SortFunc(docs, func(a, b Document) int { return strings.Compare(a.ID, b.ID) })
		docs = slices.CompactFunc(docs, func(a, b Document) bool { return a.ID == b.ID })
		if err := saveDocuments(ctx, tx, docs); err != nil {
			return err
		}
		if err := deleteDocuments(ctx, tx, gone); err != nil {
			return err
		}
		if err := saveWords(ctx, tx, vocabulary(docs)); err != nil {
			return err
		}
		if err := markMirrored(ctx, tx, ids); err != nil {
			return err
		}
		n = len(batch)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// minTypoLen is the shortest word corrected for a typo, as in the index's
// typo tolerance.
const minTypoLen = 5

// vocabulary is the sorted distinct lower-case words of documents long
// enough to be corrected.
func vocabulary(docs []Document) []string {
	seen := map[string]bool{}
	for _, d := range docs {
		text := d.Title + " " + strings.Join(d.Headings, " ") + " " + d.Body + " " + strings.Join(d.Topics, " ") + " " + d.Compounds
		for _, w := range words(text) {
			if utf8.RuneCountInString(w) >= minTypoLen && len(w) <= 60 {
				seen[w] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for w := range seen {
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}

// words cuts text into lower-case words of letters and digits.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
