package wiki

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// SpacePages loads every page of a space at its newest revision, for an
// export.
func (st *Store) SpacePages(ctx context.Context, spaceID int64) ([]Page, error) {
	rows, _ := st.pool.Query(ctx, `SELECT `+pageColumns+pageFrom+`WHERE p.space_id = $1 ORDER BY p.id`, spaceID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Page])
	if err != nil {
		return nil, fmt.Errorf("pages of space: %w", err)
	}
	return list, nil
}

// HasPages reports whether a space holds any page (the trash aside).
func (st *Store) HasPages(ctx context.Context, spaceID int64) (bool, error) {
	return hasPages(ctx, st.pool, spaceID)
}

func hasPages(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}, spaceID int64) (bool, error) {
	var any bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pages WHERE space_id = $1)`, spaceID).Scan(&any)
	if err != nil {
		return false, fmt.Errorf("space has pages: %w", err)
	}
	return any, nil
}

// ActiveAccount finds an account that is not disabled by its handle.
func (st *Store) ActiveAccount(ctx context.Context, handle string) (int64, bool, error) {
	var id int64
	err := st.pool.QueryRow(ctx, `SELECT id FROM accounts WHERE handle = $1 AND disabled_at IS NULL`, handle).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("account by handle: %w", err)
	}
	return id, true, nil
}
