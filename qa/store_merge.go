package qa

import (
	"context"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// PostRevision loads the title (empty for answers) and body of one
// revision of a question or an answer.
func (st *Store) PostRevision(ctx context.Context, postType string, id int64, number int) (string, string, error) {
	var title, body string
	err := st.pool.QueryRow(ctx, `SELECT coalesce(title, ''), body FROM post_revisions WHERE post_type = $1 AND post_id = $2 AND number = $3`,
		postType, id, number).Scan(&title, &body)
	if err != nil {
		return "", "", postgres.Found(err, "load post revision")
	}
	return title, body, nil
}
