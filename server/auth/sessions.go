package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// Session is a signed-in browser.
type Session struct {
	IDHash        []byte
	CSRFToken     string
	IdleExpiresAt time.Time
	ExpiresAt     time.Time
	Account       Account
}

// CreateSession stores a new session and, when replacing is set, deletes
// the session the browser had before, so that an id planted before sign-in
// is worthless after it.
func (s *Store) CreateSession(ctx context.Context, accountID int64, idHash []byte, csrf string, idle, max time.Duration, replacing []byte) error {
	return postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if replacing != nil {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, replacing); err != nil {
				return fmt.Errorf("drop old session: %w", err)
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, account_id, csrf_token, idle_expires_at, expires_at)
			VALUES ($1, $2, $3, now() + $4::interval, now() + $5::interval)`, idHash, accountID, csrf, idle, max)
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
}

// SessionByHash loads a live session with its active account. An expired
// session or a disabled account is not found.
func (s *Store) SessionByHash(ctx context.Context, idHash []byte) (Session, error) {
	rows, _ := s.pool.Query(ctx, `SELECT s.id_hash, s.csrf_token, s.idle_expires_at, s.expires_at, `+accountColumns+`
		FROM sessions s JOIN accounts a ON a.id = s.account_id JOIN agencies g ON g.id = a.agency_id
		WHERE s.id_hash = $1 AND s.idle_expires_at > now() AND s.expires_at > now() AND a.disabled_at IS NULL`, idHash)
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return Session{}, fmt.Errorf("load session: %w", err)
		}
		return Session{}, errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	var ss Session
	a := &ss.Account
	err := rows.Scan(&ss.IDHash, &ss.CSRFToken, &ss.IdleExpiresAt, &ss.ExpiresAt, &a.ID, &a.AgencyID, &a.AgencySlug, &a.AgencyName, &a.Email, &a.DisplayName,
		&a.Handle, &a.PasswordHash, &a.IsAdmin, &a.IsKnowledgeManager, &a.DisabledAt, &a.CreatedAt)
	if err != nil {
		return Session{}, fmt.Errorf("scan session: %w", err)
	}
	return ss, nil
}

// EndedSessionAccount returns the account of a session that has ended,
// or 0 when there is no such row any more.
func (s *Store) EndedSessionAccount(ctx context.Context, idHash []byte) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT account_id FROM sessions WHERE id_hash = $1`, idHash).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("load ended session: %w", err)
	}
	return id, nil
}

// ExtendSession moves the idle time-out forward, never past the absolute one.
func (s *Store) ExtendSession(ctx context.Context, idHash []byte, idle time.Duration) error {
	_, err := s.pool.Exec(ctx, `UPDATE sessions SET idle_expires_at = least(now() + $2::interval, expires_at) WHERE id_hash = $1`, idHash, idle)
	return err
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, idHash []byte) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return err
}

// DeleteExpired removes sessions past their absolute end, and sign-in
// failures and counts of kept texts older than window. A session ended by
// the idle time-out stays, unusable, until its absolute end (at most
// SessionMax after sign-in, as the privacy notice says), so that a text
// saved in a tab left open overnight still names its author: the drafts
// keep it for that person alone instead of for whoever signs in next in
// the browser.
func (s *Store) DeleteExpired(ctx context.Context, window time.Duration) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= now()`); err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM sign_in_failures WHERE failed_at < now() - $1::interval`, window); err != nil {
		return fmt.Errorf("delete old sign-in failures: %w", err)
	}
	return nil
}

// Token is a personal API token as its owner sees it in the list; the
// secret itself is shown once, at creation, and never stored.
type Token struct {
	ID         int64      `db:"id"`
	Name       string     `db:"name"`
	CreatedAt  time.Time  `db:"created_at"`
	LastUsedOn *time.Time `db:"last_used_on"`
	RevokedAt  *time.Time `db:"revoked_at"`
}

// CreateToken stores the hash of a new token.
func (s *Store) CreateToken(ctx context.Context, accountID int64, name string, hash []byte) (Token, error) {
	rows, _ := s.pool.Query(ctx, `INSERT INTO api_tokens (account_id, name, token_hash) VALUES ($1, $2, $3)
		RETURNING id, name, created_at, last_used_on, revoked_at`, accountID, name, hash)
	t, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Token])
	if err != nil {
		return t, fmt.Errorf("create token: %w", err)
	}
	return t, nil
}

// Tokens lists an account's tokens, newest first.
func (s *Store) Tokens(ctx context.Context, accountID int64) ([]Token, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, name, created_at, last_used_on, revoked_at FROM api_tokens
		WHERE account_id = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC`, accountID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Token])
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return list, nil
}

// RevokeToken revokes one of the account's own tokens.
func (s *Store) RevokeToken(ctx context.Context, accountID, tokenID int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND account_id = $2`, tokenID, accountID)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return nil
}

// AccountByToken loads the active account of a live token and records
// today as the day it was last used (at most one write a day).
func (s *Store) AccountByToken(ctx context.Context, hash []byte) (Account, error) {
	// One round trip: every API request passes here. The day of last use
	// is written once a day; the statement's other reads see the row as it
	// was before, which is all they need.
	rows, _ := s.pool.Query(ctx, `WITH used AS (
			UPDATE api_tokens SET last_used_on = current_date
			WHERE token_hash = $1 AND revoked_at IS NULL AND last_used_on IS DISTINCT FROM current_date)
		SELECT `+accountColumns+` FROM api_tokens t
		JOIN accounts a ON a.id = t.account_id JOIN agencies g ON g.id = a.agency_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, hash)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Account])
	if errors.Is(err, pgx.ErrNoRows) || err == nil && a.DisabledAt != nil {
		return Account{}, errs.E(errs.Unauthenticated, "auth.token_invalid")
	}
	if err != nil {
		return Account{}, fmt.Errorf("load token: %w", err)
	}
	return a, nil
}
