package search

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/fachnetz/fachnetz/server/search/distinct"
)

const (
	// rebuildBatch is how many documents a source hands over at once.
	rebuildBatch = 1000
	// rebuildPayload is the largest payload sent to Meilisearch, well below
	// its default limit of 100 MB per request.
	rebuildPayload = 64 << 20
	// rebuildHeld bounds the documents held while Meilisearch is busy
	// (rebuild.index); beyond it they are sent to wait in its queue.
	rebuildHeld = 50000
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
	// startCopy is closed when the copier may start: once the sources
	// are read, or its queue is full. Until then the reader has both
	// cores, with Meilisearch; it indexes its largest batch once all is
	// read, with one core or so, and the copy takes the other meanwhile.
	startCopy chan struct{}
	copyOnce  sync.Once

	done    int
	started time.Time           // when the first documents were read
	held    []Document          // read, not yet sent to Meilisearch
	pending []int64             // tasks sent
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
	r.startCopy = make(chan struct{})
	go func() {
		var err error
		select {
		case <-r.startCopy:
		case <-ctx.Done():
		}
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
	if err == nil {
		err = r.flush(ctx)
	}
	r.copyOnce.Do(func() { close(r.startCopy) })
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
			if len(copies) == cap(copies) {
				r.copyOnce.Do(func() { close(r.startCopy) })
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

// index hands a batch to Meilisearch. Each batch Meilisearch indexes has
// a cost of its own besides its documents, which grows with the index: so
// documents are held while it is busy, and sent together once it is idle,
// as one batch of everything read meanwhile. When the rest of the sources
// will be read in less time than its last batch took, it waits for them
// too rather than index them in one more batch.
func (r *rebuild) index(ctx context.Context, docs []Document) error {
	if r.started.IsZero() {
		r.started = time.Now()
	}
	r.held = append(r.held, docs...)
	r.done += len(docs)
	if r.progress != nil {
		r.progress(r.done, r.total)
	}
	busy, last, err := r.busy(ctx)
	if err != nil || busy && len(r.held) < rebuildHeld {
		return err
	}
	if !busy && r.done < r.total {
		rest := time.Duration(float64(time.Since(r.started)) * float64(r.total-r.done) / float64(r.done))
		if rest < last {
			return nil
		}
	}
	return r.flush(ctx)
}

// busy reports whether Meilisearch still works on documents sent, and how
// long its last finished batch took.
func (r *rebuild) busy(ctx context.Context) (bool, time.Duration, error) {
	if len(r.pending) == 0 {
		return false, 0, nil
	}
	task, err := r.s.client.GetTaskWithContext(ctx, r.pending[len(r.pending)-1])
	if err != nil {
		return false, 0, fmt.Errorf("look up task: %w", err)
	}
	switch task.Status {
	case meilisearch.TaskStatusSucceeded:
		return false, task.FinishedAt.Sub(task.StartedAt), nil
	case meilisearch.TaskStatusFailed, meilisearch.TaskStatusCanceled:
		return false, 0, fmt.Errorf("meilisearch task %d %s: %s", task.UID, task.Status, task.Error.Message)
	}
	return true, 0, nil
}

// flush sends the held documents as one payload, or as few as the limit
// of a request allows: Meilisearch starts a batch as soon as a payload
// arrives while it is idle, and a second payload would make one more.
func (r *rebuild) flush(ctx context.Context) error {
	pk := "id"
	var buf bytes.Buffer
	send := func() error {
		if buf.Len() == 0 {
			return nil
		}
		task, err := r.s.index(r.uid).AddDocumentsNdjsonWithContext(ctx, buf.Bytes(), &meilisearch.DocumentOptions{PrimaryKey: &pk})
		if err != nil {
			return fmt.Errorf("add documents: %w", err)
		}
		r.pending = append(r.pending, task.TaskUID)
		buf.Reset()
		return nil
	}
	for _, d := range r.held {
		line, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("encode document %s: %w", d.ID, err)
		}
		if buf.Len()+len(line) >= rebuildPayload {
			if err := send(); err != nil {
				return err
			}
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	r.held = nil
	return send()
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
	return distinct.Words(text, func(w string, add func(string)) {
		for p := range strings.FieldsSeq(parts(w)) {
			add(p)
		}
	})
}
