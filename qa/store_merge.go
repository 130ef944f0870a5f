package qa

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
)

// PostRevision loads the title (empty for answers) and body of one
// revision of a question or an answer.
func (st *Store) PostRevision(ctx context.Context, postType string, id int64, number int) (string, string, error) {
	var title, body string
	err := st.pool.QueryRow(ctx, `SELECT coalesce(title, ''), body FROM post_revisions WHERE post_type = $1 AND post_id = $2 AND number = $3`,
		postType, id, number).Scan(&title, &body)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", errs.E(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return "", "", fmt.Errorf("load post revision: %w", err)
	}
	return title, body, nil
}
