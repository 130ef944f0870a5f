// Package stats counts what is read and searched, anonymised: a person is
// recorded under a pseudonym that changes every day and is forgotten when
// the day is aggregated, figures are released only when at least k people
// stand behind them, as bands, for fixed scopes, and never per person.
package stats

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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
	pool *pgxpool.Pool
	log  *slog.Logger
	k    int
	now  func() time.Time
}

// New returns the counter; k below MinK is raised to MinK.
func New(pool *pgxpool.Pool, log *slog.Logger, k int) *Stats {
	return &Stats{pool: pool, log: log, k: max(k, MinK), now: time.Now}
}

// K is the release threshold in force.
func (s *Stats) K() int { return s.k }

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
	if ev.AccountID == 0 || ev.Item == "" {
		return
	}
	if err := s.record(ctx, ev); err != nil {
		s.log.Warn("stats: not recorded", "kind", ev.Kind, "err", err)
	}
}

func (s *Stats) record(ctx context.Context, ev Event) error {
	day := s.now().UTC().Format(time.DateOnly)
	secret, err := s.secret(ctx, day)
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(strconv.FormatInt(ev.AccountID, 10)))
	var space *int64
	if ev.SpaceID != 0 {
		space = &ev.SpaceID
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO stats_raw (day, kind, item, space_id, agency_id, pseudonym) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT DO NOTHING`, day, ev.Kind, ev.Item, space, ev.AgencyID, mac.Sum(nil))
	return err
}

// secret returns the day's secret, creating it on first use.
func (s *Stats) secret(ctx context.Context, day string) ([]byte, error) {
	fresh := make([]byte, 32)
	rand.Read(fresh)
	var secret []byte
	err := s.pool.QueryRow(ctx, `INSERT INTO stats_secrets (day, secret) VALUES ($1, $2)
		ON CONFLICT (day) DO UPDATE SET day = excluded.day RETURNING secret`, day, fresh).Scan(&secret)
	if err != nil {
		return nil, fmt.Errorf("secret of the day: %w", err)
	}
	return secret, nil
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
// the day: its secret and its raw rows are deleted in the same
// transaction. It also enforces the retention limits.
func (s *Stats) Aggregate(ctx context.Context) error {
	today := s.now().UTC().Format(time.DateOnly)
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT day::text FROM stats_raw WHERE day < $1
		UNION SELECT day::text FROM stats_secrets WHERE day < $1 ORDER BY 1`, today)
	if err != nil {
		return fmt.Errorf("days to aggregate: %w", err)
	}
	days, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, day := range days {
		if err := s.aggregateDay(ctx, day); err != nil {
			return fmt.Errorf("aggregate %s: %w", day, err)
		}
	}
	return s.cleanup(ctx)
}

func (s *Stats) aggregateDay(ctx context.Context, day string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The week starts on Monday (ISO); the week's figure is the
		// largest daily one.
		// Pages and questions of a space fewer than 10 people may read
		// count in no scope: their readers alone would see the figure, and
		// in so small a group a band points at people by name.
		crowded := `space_id IN (` + crowdedSpaces + `)`
		for _, scope := range []struct{ name, where string }{
			{`'instance'`, `(space_id IS NULL OR ` + crowded + `)`},
			{`'agency:' || agency_id`, `(space_id IS NULL OR ` + crowded + `)`},
			{`'space:' || space_id`, crowded},
		} {
			_, err := tx.Exec(ctx, `INSERT INTO stats_weekly (week, scope, kind, item, space_id, people)
				SELECT date_trunc('week', day)::date, `+scope.name+`, kind, item, max(space_id), count(DISTINCT pseudonym)
				FROM stats_raw WHERE day = $1 AND `+scope.where+` GROUP BY 1, 2, 3, 4
				ON CONFLICT (week, scope, kind, item) DO UPDATE SET people = greatest(stats_weekly.people, excluded.people)`, day)
			if err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM stats_raw WHERE day = $1`, day); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM stats_secrets WHERE day = $1`, day); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO stats_days (day) VALUES ($1) ON CONFLICT DO NOTHING`, day)
		return err
	})
}

// cleanup deletes raw rows and secrets older than 48 hours, should
// aggregation ever not have run, and figures older than 13 months.
func (s *Stats) cleanup(ctx context.Context) error {
	limit := s.now().Add(-48 * time.Hour).UTC().Format(time.DateOnly)
	for _, sql := range []string{
		`DELETE FROM stats_raw WHERE day <= $1`,
		`DELETE FROM stats_secrets WHERE day <= $1`,
	} {
		if _, err := s.pool.Exec(ctx, sql, limit); err != nil {
			return err
		}
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM stats_weekly WHERE week < $1::date - interval '13 months'`, s.now().UTC().Format(time.DateOnly))
	return err
}

// Run aggregates every interval until ctx ends.
func (s *Stats) Run(ctx context.Context, interval time.Duration) {
	for {
		if err := s.Aggregate(ctx); err != nil && !errors.Is(err, context.Canceled) {
			s.log.Warn("stats: aggregation failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
