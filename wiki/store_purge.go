package wiki

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/trash"
)

// PurgeRevision removes the title, text and message of one revision for
// good; the revision stays in the history with who removed it and when.
// When it is the newest, the page's text is the newest revision before it
// still holding content again, saved as a new revision, so that the page
// body never keeps what was purged (and nothing is empty that need not be).
// links lists the outgoing links of a text.
func (st *Store) PurgeRevision(ctx context.Context, p Page, number int, by int64, reason string, links func(body string) []LinkKey) error {
	return pgx.BeginFunc(ctx, st.pool, func(tx pgx.Tx) error {
		var current int
		var title string
		if err := tx.QueryRow(ctx, `SELECT revision, title FROM pages WHERE id = $1 FOR UPDATE`, p.ID).Scan(&current, &title); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return errs.E(errs.NotFound, "error.not_found")
			}
			return fmt.Errorf("lock page: %w", err)
		}
		tag, err := tx.Exec(ctx, `UPDATE page_revisions SET title = '', body = '', message = '', purged_at = now(), purged_by = $3
			WHERE page_id = $1 AND number = $2 AND purged_at IS NULL`, p.ID, number, by)
		if err != nil {
			return fmt.Errorf("purge revision: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errs.E(errs.NotFound, "error.not_found")
		}
		if err := trash.Log(ctx, tx, by, "revision", p.SpaceID, reason); err != nil {
			return err
		}
		if number != current {
			return nil
		}
		body := ""
		err = tx.QueryRow(ctx, `SELECT title, body FROM page_revisions WHERE page_id = $1 AND purged_at IS NULL
			ORDER BY number DESC LIMIT 1`, p.ID).Scan(&title, &body)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("previous revision: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO page_revisions (page_id, number, title, body, author_id) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, current+1, title, body, by); err != nil {
			return fmt.Errorf("insert revision: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE pages SET title = $2, body = $3, revision = $4, updated_at = now() WHERE id = $1`,
			p.ID, title, body, current+1); err != nil {
			return fmt.Errorf("update page: %w", err)
		}
		var topics []int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(topic_id), '{}') FROM page_topics WHERE page_id = $1`, p.ID).Scan(&topics); err != nil {
			return fmt.Errorf("page topics: %w", err)
		}
		return writeRelations(ctx, tx, p.ID, Draft{Links: links(body), TopicIDs: topics})
	})
}
