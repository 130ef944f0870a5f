package wiki

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// ClaimReviewNotices marks up to limit pages whose review has fallen due
// and whose owner was not yet told of this due date, and returns them, so
// that f tells the owners in the same transaction. Rows another server
// holds are skipped; a page marked is never returned again for the same
// due date.
func (st *Store) ClaimReviewNotices(ctx context.Context, limit int, f func(ctx context.Context, tx pgx.Tx, pages []Page) error) (int, error) {
	var n int
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `WITH due AS (
				SELECT id FROM pages
				WHERE review_due < current_date AND NOT is_template AND owner_id IS NOT NULL
					AND review_noticed IS DISTINCT FROM review_due
					-- an archived space's pages cannot be confirmed; told once restored
					AND space_id NOT IN (SELECT id FROM spaces WHERE archived_at IS NOT NULL)
				ORDER BY review_due, id LIMIT $1 FOR UPDATE SKIP LOCKED),
			marked AS (
				UPDATE pages p SET review_noticed = p.review_due FROM due WHERE p.id = due.id RETURNING p.*)
			SELECT `+pageColumns+` FROM marked p JOIN spaces s ON s.id = p.space_id LEFT JOIN accounts o ON o.id = p.owner_id
			ORDER BY p.id`, limit)
		pages, err := pgx.CollectRows(rows, pgx.RowToStructByName[Page])
		if err != nil {
			return fmt.Errorf("claim review notices: %w", err)
		}
		n = len(pages)
		if n == 0 {
			return nil
		}
		return f(ctx, tx, pages)
	})
	return n, err
}
