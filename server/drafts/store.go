package drafts

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Draft is what a person typed into one editor and has not saved yet.
type Draft struct {
	ID        int64             `db:"id" json:"-"`
	Key       string            `db:"key" json:"editor"`
	Path      string            `db:"path" json:"address"`
	Fields    map[string]string `db:"fields" json:"fields"`
	UpdatedAt time.Time         `db:"updated_at" json:"updated_at"`
}

// Store keeps drafts in PostgreSQL.
type Store struct{ pool *pgxpool.Pool }

// NewStore uses pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

const columns = `id, key, path, fields, updated_at`

// Save writes a person's draft for one editor, replacing the one before.
func (st *Store) Save(ctx context.Context, accountID int64, key, path string, fields map[string]string, now time.Time) (Draft, error) {
	rows, _ := st.pool.Query(ctx, `INSERT INTO drafts (account_id, key, path, fields, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (account_id, key) WHERE account_id IS NOT NULL
		DO UPDATE SET path = excluded.path, fields = excluded.fields, updated_at = excluded.updated_at
		RETURNING `+columns, accountID, key, path, fields, now)
	d, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Draft])
	if err != nil {
		return d, fmt.Errorf("save draft: %w", err)
	}
	return d, nil
}

// Get loads a person's draft for one editor.
func (st *Store) Get(ctx context.Context, accountID int64, key string) (Draft, error) {
	rows, _ := st.pool.Query(ctx, `SELECT `+columns+` FROM drafts WHERE account_id = $1 AND key = $2`, accountID, key)
	return postgres.One[Draft](rows, "load draft")
}

// Ensure returns the id of a person's draft for an editor, creating an
// empty one, so that files can be held with it before any text is saved.
func (st *Store) Ensure(ctx context.Context, accountID int64, key, path string) (int64, error) {
	return postgres.Value[int64](st.pool.QueryRow(ctx, `INSERT INTO drafts (account_id, key, path) VALUES ($1, $2, $3)
		ON CONFLICT (account_id, key) WHERE account_id IS NOT NULL DO UPDATE SET updated_at = now()
		RETURNING id`, accountID, key, path), "ensure draft")
}

// Delete removes a person's draft for one editor; a missing one is fine.
func (st *Store) Delete(ctx context.Context, accountID int64, key string) error {
	if _, err := st.pool.Exec(ctx, `DELETE FROM drafts WHERE account_id = $1 AND key = $2`, accountID, key); err != nil {
		return fmt.Errorf("delete draft: %w", err)
	}
	return nil
}

// Park keeps a draft for whoever holds the secret whose hash is given.
func (st *Store) Park(ctx context.Context, hash []byte, key, path string, fields map[string]string, now time.Time) error {
	_, err := st.pool.Exec(ctx, `INSERT INTO drafts (pending_hash, key, path, fields, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (pending_hash, key) WHERE pending_hash IS NOT NULL
		DO UPDATE SET path = excluded.path, fields = excluded.fields, updated_at = excluded.updated_at`, hash, key, path, fields, now)
	if err != nil {
		return fmt.Errorf("park draft: %w", err)
	}
	return nil
}

// Parked counts the drafts parked under a secret and tells whether one of
// them is for the editor key.
func (st *Store) Parked(ctx context.Context, hash []byte, key string) (n int, has bool, err error) {
	err = st.pool.QueryRow(ctx, `SELECT count(*), coalesce(bool_or(key = $2), false) FROM drafts WHERE pending_hash = $1`, hash, key).Scan(&n, &has)
	if err != nil {
		return 0, false, fmt.Errorf("count parked drafts: %w", err)
	}
	return n, has, nil
}

// Claim gives the parked drafts of a secret to the account. A parked
// draft replaces the account's draft for the same editor only when it is
// the newer one (the person may have written on elsewhere meanwhile);
// what is held with the draft (files) stays. Parked drafts older than
// since are not claimed.
func (st *Store) Claim(ctx context.Context, hash []byte, accountID int64, since time.Time) (int, error) {
	var n int
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `WITH parked AS (
				DELETE FROM drafts WHERE pending_hash = $1 RETURNING key, path, fields, updated_at
			)
			INSERT INTO drafts (account_id, key, path, fields, updated_at)
			SELECT $2, key, path, fields, updated_at FROM parked WHERE updated_at >= $3
			ON CONFLICT (account_id, key) WHERE account_id IS NOT NULL
			DO UPDATE SET path = excluded.path, fields = excluded.fields, updated_at = excluded.updated_at
			WHERE drafts.updated_at < excluded.updated_at`, hash, accountID, since)
		n = int(tag.RowsAffected())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("claim drafts: %w", err)
	}
	return n, nil
}

// Purge deletes drafts not touched since before, and parked ones not
// claimed since parkedBefore. One statement, so several servers running
// it at once do no harm.
func (st *Store) Purge(ctx context.Context, before, parkedBefore time.Time) (int64, error) {
	tag, err := st.pool.Exec(ctx, `DELETE FROM drafts WHERE (account_id IS NOT NULL AND updated_at < $1)
		OR (pending_hash IS NOT NULL AND updated_at < $2)`, before, parkedBefore)
	if err != nil {
		return 0, fmt.Errorf("purge drafts: %w", err)
	}
	return tag.RowsAffected(), nil
}
