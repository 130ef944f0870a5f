// Package filenumbers keeps, per agency, the patterns by which file
// numbers (Aktenzeichen) in pages and posts are recognised, and the
// address of a file in the agency's records system (DMS / e-Akte). The
// renderer links what they match; nothing is fetched from the records
// system. Every server caches the compiled patterns and drops them when
// any server changes them (LISTEN/NOTIFY), and after at most cacheTTL.
package filenumbers

import (
	"context"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
)

// channel is the NOTIFY channel of the table's trigger (migration 0031).
const channel = "fachnetz_file_numbers"

// cacheTTL bounds how long a process may miss a notification (while its
// listener reconnects).
const cacheTTL = 30 * time.Second

// Service holds the patterns and their compiled sets.
type Service struct {
	store *Store
	pool  *pgxpool.Pool
	log   *slog.Logger

	mu   sync.Mutex
	sets map[int64]cached
	// gen counts invalidations: a set loaded while one happened may be
	// older than the change and is not kept.
	gen uint64
}

type cached struct {
	set      *markdown.FileNumbers
	loadedAt time.Time
}

// New returns the service on pool.
func New(pool *pgxpool.Pool, log *slog.Logger) *Service {
	return &Service{store: NewStore(pool), pool: pool, log: log, sets: map[int64]cached{}}
}

// Store is the service's store, for reading patterns as stored.
func (s *Service) Store() *Store { return s.store }

// Set returns the compiled patterns of an agency, nil when it has none.
// The same set is returned until the patterns change, so that kept
// renderings made with it stay valid exactly that long.
func (s *Service) Set(ctx context.Context, agencyID int64) (*markdown.FileNumbers, error) {
	return s.set(ctx, agencyID, cacheTTL)
}

// Fresh is Set as stored now, for the search index: its worker may take
// the outbox rows of a change before this process has heard of it, and
// what it indexes stays until the text changes again.
func (s *Service) Fresh(ctx context.Context, agencyID int64) (*markdown.FileNumbers, error) {
	return s.set(ctx, agencyID, 0)
}

func (s *Service) set(ctx context.Context, agencyID int64, ttl time.Duration) (*markdown.FileNumbers, error) {
	s.mu.Lock()
	c, ok := s.sets[agencyID]
	gen := s.gen
	s.mu.Unlock()
	if ok && time.Since(c.loadedAt) < ttl {
		return c.set, nil
	}
	loadedAt := time.Now()
	list, err := s.store.List(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	set := Compile(list)
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.sets[agencyID]; ok && samePatterns(c.set, set) {
		// Unchanged: the old set stays, and with it the kept renderings.
		set = c.set
	}
	if s.gen != gen {
		loadedAt = time.Time{} // read again next time
	}
	s.sets[agencyID] = cached{set: set, loadedAt: loadedAt}
	return set, nil
}

// Compile turns stored patterns into a set for the renderer; a pattern
// that no longer compiles (stored by an older check) is left out.
func Compile(list []Pattern) *markdown.FileNumbers {
	if len(list) == 0 {
		return nil
	}
	set := &markdown.FileNumbers{}
	for _, p := range list {
		re, err := regexp.Compile(p.Pattern)
		if err != nil {
			continue
		}
		set.Patterns = append(set.Patterns, markdown.FileNumberPattern{Label: p.Label, Expr: re, URL: p.URLTemplate})
	}
	return set
}

func samePatterns(a, b *markdown.FileNumbers) bool {
	if a == nil || b == nil {
		return a == b
	}
	if len(a.Patterns) != len(b.Patterns) {
		return false
	}
	for i, p := range a.Patterns {
		q := b.Patterns[i]
		if p.Label != q.Label || p.URL != q.URL || p.Expr.String() != q.Expr.String() {
			return false
		}
	}
	return true
}

// invalidate drops every cached set.
func (s *Service) invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	for id, c := range s.sets {
		c.loadedAt = time.Time{}
		s.sets[id] = c
	}
}

// Create checks and stores a new pattern.
func (s *Service) Create(ctx context.Context, agencyID int64, in Input) (int64, error) {
	if _, problems := Check(in); len(problems) > 0 {
		return 0, problems[0]
	}
	var id int64
	err := s.change(ctx, agencyID, func(tx pgx.Tx) (err error) {
		id, err = s.store.Insert(ctx, tx, agencyID, in, MaxPerAgency)
		return err
	})
	return id, err
}

// Update checks and stores a changed pattern.
func (s *Service) Update(ctx context.Context, agencyID, id int64, in Input) error {
	if _, problems := Check(in); len(problems) > 0 {
		return problems[0]
	}
	return s.change(ctx, agencyID, func(tx pgx.Tx) error { return s.store.Update(ctx, tx, agencyID, id, in) })
}

// Delete removes a pattern.
func (s *Service) Delete(ctx context.Context, agencyID, id int64) error {
	return s.change(ctx, agencyID, func(tx pgx.Tx) error { return s.store.Delete(ctx, tx, agencyID, id) })
}

// change runs fn and what follows a change in one transaction, and drops
// this process's cache at once (the others hear of it on commit).
func (s *Service) change(ctx context.Context, agencyID int64, fn func(tx pgx.Tx) error) error {
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		// The texts of the agency's spaces are indexed again with the
		// new file numbers.
		if err := search.Enqueue(ctx, tx, search.KindAgency, agencyID); err != nil {
			return err
		}
		// Before the commit as well as after: a set read in between
		// may be the old one and is not kept (see gen).
		s.invalidate()
		return nil
	})
	s.invalidate()
	return err
}

// Listen drops the cached sets whenever any process changes patterns,
// until ctx ends. Run it in its own goroutine; it holds one connection
// and reconnects after losing it.
func (s *Service) Listen(ctx context.Context) {
	postgres.Listen(ctx, s.pool, channel, s.log, "file number listener", func(context.Context) error {
		s.invalidate()
		return nil
	})
}
