package formreturn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Store keeps returned pages in PostgreSQL, so that whichever server
// answers the GET after the redirect finds them.
type Store struct{ pool *pgxpool.Pool }

// NewStore uses pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Put keeps a page for one owner and address, replacing what the owner
// kept for the same address, and drops the owner's oldest pages beyond
// keep, so that nobody fills the table by failing forms in a loop.
func (st *Store) Put(ctx context.Context, id string, owner []byte, target, page string, keep int) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM form_returns WHERE owner_hash = $1 AND target = $2`, owner, target); err != nil {
			return fmt.Errorf("keep form page: replace: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO form_returns (id, owner_hash, target, page) VALUES ($1, $2, $3, $4)`, id, owner, target, page); err != nil {
			return fmt.Errorf("keep form page: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM form_returns WHERE owner_hash = $1 AND id NOT IN (
			SELECT id FROM form_returns WHERE owner_hash = $1 ORDER BY created_at DESC, id LIMIT $2)`, owner, keep); err != nil {
			return fmt.Errorf("keep form page: trim: %w", err)
		}
		return nil
	})
}

// Take deletes and returns the page kept under id for this owner and
// address, if it is younger than maxAge; ok is false when there is none.
func (st *Store) Take(ctx context.Context, id string, owner []byte, target string, maxAge time.Duration) (page string, ok bool, err error) {
	err = st.pool.QueryRow(ctx, `DELETE FROM form_returns WHERE id = $1 AND owner_hash = $2 AND target = $3
		RETURNING page, created_at > now() - $4::interval`, id, owner, target, maxAge).Scan(&page, &ok)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("take form page: %w", err)
	}
	if !ok {
		page = ""
	}
	return page, ok, nil
}

// Purge deletes the pages older than maxAge. One statement, so several
// servers running it at once do no harm.
func (st *Store) Purge(ctx context.Context, maxAge time.Duration) (int64, error) {
	tag, err := st.pool.Exec(ctx, `DELETE FROM form_returns WHERE created_at < now() - $1::interval`, maxAge)
	if err != nil {
		return 0, fmt.Errorf("purge form pages: %w", err)
	}
	return tag.RowsAffected(), nil
}

// DeleteOwner deletes every page kept for an owner.
func (st *Store) DeleteOwner(ctx context.Context, owner []byte) error {
	if _, err := st.pool.Exec(ctx, `DELETE FROM form_returns WHERE owner_hash = $1`, owner); err != nil {
		return fmt.Errorf("delete form pages of a session: %w", err)
	}
	return nil
}
