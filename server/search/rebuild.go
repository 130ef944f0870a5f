package search

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/meilisearch/meilisearch-go"
)

const (
	// rebuildBatch is how many documents a source hands over at once.
	rebuildBatch = 1000
	// rebuildInFlight is how many batches may wait in Meilisearch's queue.
	// Meilisearch indexes all batches waiting as one, and each of its
	// batches costs more the larger the index already is: the fewer, the
	// less work in all. So the queue is bounded only by memory.
	rebuildInFlight = 64
	// rebuildCopyQueue is how many batches may wait for the copy. Writing
	// the copy's text vectors is slower than reading the sources, and a
	// reader held back by it would feed Meilisearch in many small batches
	// instead of a few large ones; a queue of many batches holds the
	// documents of a large wiki in memory for a while.
	rebuildCopyQueue = 64
	// rebuildWords bounds the memo of compound parts of a rebuild: the
	// distinct words of a large wiki, a few tens of megabytes.
	rebuildWords = 1 << 20
)

// rebuild fills a fresh index and PostgreSQL's copy from every source. The
// copy is written by a goroutine of its own, so that Meilisearch is fed
// without waiting for PostgreSQL's text vectors.
type rebuild struct {
	s        *Service
	uid      string
	total    int
	progress Progress
	parts    *memo // compound parts of one word, shared by all documents

	done    int
	pending []int64
	seen    map[string]bool     // documents written
	vocab   map[string]struct{} // their words, for pruning the vocabulary
}

func newRebuild(s *Service, uid string, total int, progress Progress) *rebuild {
	return &rebuild{s: s, uid: uid, total: total, progress: progress, parts: newMemo(s.cfg.Compounds, rebuildWords),
		seen: map[string]bool{}, vocab: map[string]struct{}{}}
}

// run reads every source into the index and the copy and waits until
// Meilisearch has indexed all of it.
func (r *rebuild) run(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	copies := make(chan []Document, rebuildCopyQueue)
	copied := make(chan error, 1)
	go func() {
		var err error
		for docs := range copies {
			if err != nil {
				continue
			}
			if err = r.copy(ctx, docs); err != nil {
				cancel(err)
			}
		}
		copied <- err
	}()
	err := r.read(ctx, copies)
	close(copies)
	if cerr := <-copied; cerr != nil {
		return cerr
	}
	if err != nil {
		return err
	}
	for _, t := range r.pending {
		if err := waitTask(ctx, r.s.client, t); err != nil {
			return err
		}
	}
	return nil
}

// read hands every source's documents to Meilisearch and to the copier.
func (r *rebuild) read(ctx context.Context, copies chan<- []Document) error {
	for _, kind := range r.s.order {
		err := r.s.sources[kind].Each(ctx, rebuildBatch, func(docs []Document) error {
			r.addCompounds(docs)
			for _, d := range docs {
				r.seen[d.ID] = true
			}
			select {
			case copies <- docs:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
			return r.index(ctx, docs)
		})
		if err != nil {
			return fmt.Errorf("reindex %s: %w", kind, err)
		}
	}
	return nil
}

// index sends a batch to the fresh index, keeping a few in flight.
func (r *rebuild) index(ctx context.Context, docs []Document) error {
	pk := "id"
	task, err := r.s.index(r.uid).AddDocumentsWithContext(ctx, docs, &meilisearch.DocumentOptions{PrimaryKey: &pk})
	if err != nil {
		return fmt.Errorf("add documents: %w", err)
	}
	r.pending = append(r.pending, task.TaskUID)
	if len(r.pending) > rebuildInFlight {
		if err := waitTask(ctx, r.s.client, r.pending[0]); err != nil {
			return err
		}
		r.pending = r.pending[1:]
	}
	r.done += len(docs)
	if r.progress != nil {
		r.progress(r.done, r.total)
	}
	return nil
}

// copy writes a batch into the copy with those of its words that no
// batch before brought, and remembers them.
func (r *rebuild) copy(ctx context.Context, docs []Document) error {
	words := vocabulary(docs)
	added := words[:0]
	for _, w := range words {
		if _, ok := r.vocab[w]; !ok {
			added = append(added, w)
		}
	}
	if err := r.s.copyDocuments(ctx, docs, added); err != nil {
		return err
	}
	for _, w := range added {
		r.vocab[w] = struct{}{}
	}
	return nil
}

// addCompounds sets the compound parts of documents, splitting each
// distinct word once for the whole rebuild: most words of a wiki recur in
// many documents.
func (r *rebuild) addCompounds(docs []Document) {
	if r.s.cfg.Compounds == nil {
		return
	}
	for i := range docs {
		docs[i].Compounds = joinCompounds(docs[i].Title+"\n"+docs[i].Body, r.parts.get)
	}
}

// joinCompounds is Config.Compounds of a text put together from the
// answers of parts for its single words: the parts of each distinct
// lower-case word, in order, each once.
func joinCompounds(text string, parts func(string) string) string {
	var b strings.Builder
	seen := map[string]bool{}
	words := map[string]bool{}
	for f := range strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		w := strings.ToLower(f)
		if words[w] {
			continue
		}
		words[w] = true
		for p := range strings.FieldsSeq(parts(w)) {
			if seen[p] {
				continue
			}
			seen[p] = true
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(p)
		}
	}
	return b.String()
}
