// Package stats counts what is read and searched, anonymised: a person is
// recorded under a pseudonym that changes every day and is forgotten when
// the day is aggregated, figures are released only when at least k people
// stand behind them, as bands, each item in one fixed scope of a minimum
// size, and never per person (see Rule).
package stats

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/periodic"
)

// MinK is the smallest k the release rule may use: below five people a
// figure could point at someone.
const MinK = 5

// Kinds of things counted.
const (
	Page        = "page"
	Question    = "question"
	Topic       = "topic"
	Search      = "search"
	SearchEmpty = "search_empty" // a search that found nothing: a content gap
)

// Stats records and releases the anonymised counts.
type Stats struct {
	store store
	keys  *keyring
	log   *slog.Logger
	rule  Rule
	now   func() time.Time
	known *counted
}

// New returns the counter; k below MinK is raised to MinK. The instance
// key that seals the day keys lives in dataDir (see KeyFile), which all
// servers of the instance share.
func New(pool *pgxpool.Pool, log *slog.Logger, k int, dataDir string) *Stats {
	return &Stats{store: store{pool}, keys: &keyring{dir: dataDir}, log: log, rule: Rule{K: max(k, MinK)}, now: time.Now, known: &counted{}}
}

// K is the release threshold in force.
func (s *Stats) K() int { return s.rule.K }

// Event is one view or search.
type Event struct {
	AccountID int64
	AgencyID  int64
	Kind      string
	Item      string // an id, or the normalised query
	SpaceID   int64  // the space of a page or question, 0 otherwise
}

// Record counts an event under the person's pseudonym of the day; the same
// person, item and day count once however often. Failures are logged, not
// returned: reading a page must never fail because counting did.
func (s *Stats) Record(ctx context.Context, ev Event) {
	scope := ScopeOf(ev.Kind, ev.SpaceID, ev.AgencyID)
	if ev.AccountID == 0 || ev.Item == "" || scope == "" {
		return
	}
	if err := s.record(ctx, ev, scope); err != nil {
		s.log.Warn("stats: not recorded", "kind", ev.Kind, "err", err)
	}
}

func (s *Stats) record(ctx context.Context, ev Event, scope string) error {
	day := s.now().UTC().Format(time.DateOnly)
	key, err := s.dayKey(ctx, day)
	if err != nil {
		return err
	}
	p := pseudonym(key, ev.Kind, ev.Item, ev.AccountID)
	if s.known.has(day, p) {
		return nil
	}
	if err := s.store.insertRaw(ctx, day, ev, scope, p); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	s.known.add(day, p)
	return nil
}

// NormalizeQuery folds a search query so that the same question typed in
// other ways counts as one: lower case, single spaces, no punctuation at
// the ends.
func NormalizeQuery(q string) string {
	q = strings.ToLower(strings.Join(strings.Fields(q), " "))
	q = strings.TrimFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(q) > 200 {
		q = q[:200]
	}
	return q
}

// Aggregate turns every finished day into weekly figures and then forgets
// the day: its key and its raw rows are deleted in the same transaction.
// A day that fails does not hold up the others, nor the cleanup that
// keeps raw rows under 48 hours; its error is logged and returned with
// the others.
func (s *Stats) Aggregate(ctx context.Context) error {
	today := s.now().UTC().Format(time.DateOnly)
	var errs []error
	days, err := s.store.daysBefore(ctx, today)
	if err != nil {
		errs = append(errs, err)
	}
	var names names
	if len(days) > 0 {
		parts, err := s.store.nameParts(ctx)
		if err != nil {
			errs = append(errs, err)
			days = nil // no day without its names; the cleanup still runs
		}
		names = newNames(parts)
	}
	for _, day := range days {
		if err := s.aggregateDay(ctx, day, names); err != nil {
			s.log.Warn("stats: day not aggregated", "day", day, "err", err)
			errs = append(errs, fmt.Errorf("aggregate %s: %w", day, err))
		}
	}
	limit := s.now().Add(-48 * time.Hour).UTC().Format(time.DateOnly)
	if err := s.store.cleanup(ctx, limit, today); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// aggregateDay turns one day into weekly figures. A query that names
// someone is never stored as a figure: the release would leave it out, but
// the weekly figures are kept for 13 months.
func (s *Stats) aggregateDay(ctx context.Context, day string, names names) error {
	queries, err := s.store.searchesOn(ctx, day)
	if err != nil {
		return err
	}
	named := []string{}
	for _, q := range queries {
		if names.named(q) {
			named = append(named, q)
		}
	}
	return s.store.aggregateDay(ctx, day, s.rule.MinPopulation(), named)
}

// Run aggregates every interval until ctx ends.
func (s *Stats) Run(ctx context.Context, interval time.Duration) {
	periodic.Run(ctx, interval, s.log, "stats: aggregation failed", s.Aggregate)
}
