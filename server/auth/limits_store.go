package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Limit is one count of sign-in attempts: under Key at most Max within the
// window.
type Limit struct {
	Key string
	Max int
}

// Attempt records a sign-in attempt under every limit's key and answers
// true, or records nothing and answers false when one key already has Max
// attempts within window. Recording comes before the password is checked
// and the count and the record are one step under a lock per key, so that
// parallel attempts cannot all pass the count: each sees the ones before
// it. The time returned names the rows, for Succeeded.
func (s *Store) Attempt(ctx context.Context, window time.Duration, limits ...Limit) (bool, time.Time, error) {
	keys := make([]string, 0, len(limits))
	for _, l := range limits {
		keys = append(keys, l.Key)
	}
	slices.Sort(keys) // one order everywhere, so two attempts never wait on each other
	var allowed bool
	var at time.Time
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		for _, k := range keys {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, k); err != nil {
				return fmt.Errorf("lock sign-in key: %w", err)
			}
		}
		rows, _ := tx.Query(ctx, `SELECT key, count(*) FROM sign_in_failures
			WHERE key = ANY($1) AND failed_at > now() - $2::interval GROUP BY key`, keys, window)
		counts, err := postgres.Map[string, int](rows, "count sign-in attempts")
		if err != nil {
			return err
		}
		for _, l := range limits {
			if counts[l.Key] >= l.Max {
				return nil
			}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO sign_in_failures (key) SELECT unnest($1::text[]) RETURNING failed_at`, keys).Scan(&at); err != nil {
			return fmt.Errorf("record sign-in attempt: %w", err)
		}
		allowed = true
		return nil
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("sign-in attempt: %w", err)
	}
	return allowed, at, nil
}

// Succeeded takes back the record of one attempt that turned out right
// under each of keep's keys, and forgets all attempts under each of clear's
// keys: the account limit counts wrong passwords in a row.
func (s *Store) Succeeded(ctx context.Context, at time.Time, keep, clear []string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sign_in_failures f WHERE f.key = ANY($3)
		OR f.ctid IN (SELECT DISTINCT ON (key) ctid FROM sign_in_failures WHERE key = ANY($1) AND failed_at = $2)`, keep, at, clear)
	if err != nil {
		return fmt.Errorf("clear sign-in attempts: %w", err)
	}
	return nil
}

// SignInKeysOf picks, of sign_in_failures f, the attempts recorded under
// keys that name the person of accounts a: their e-mail address and their
// known browsers. The data export shows them, erasure deletes them.
const SignInKeysOf = `(f.key = 'email:' || lower(a.email::text) OR starts_with(f.key, '` + deviceKeyPrefix + `' || a.id::text || ':'))`

// ForgetSignIns deletes the person's sign-in attempts (SignInKeysOf).
// Erasing an account calls it, in the erasure's transaction q, before the
// account row goes.
func ForgetSignIns(ctx context.Context, q postgres.Querier, accountID int64) error {
	if _, err := q.Exec(ctx, `DELETE FROM sign_in_failures f USING accounts a WHERE a.id = $1 AND `+SignInKeysOf, accountID); err != nil {
		return fmt.Errorf("forget sign-in attempts: %w", err)
	}
	return nil
}

func emailKey(email string) string { return "email:" + strings.ToLower(strings.TrimSpace(email)) }
