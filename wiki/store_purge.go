package wiki

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/trash"
)

// PurgeRevision removes the title, text and message of a revision for
// good; the revision stays in the history with who removed it and when.
// With later, every later revision goes too: their text is usually built
// on the purged one and may still hold what is to go. When the newest
// revision is among those purged, the page's text is the newest revision
// before them still holding content again, saved as a new revision of the
// moderator who purged, noted as made by the removal, so that the page body
// and the search index never keep what was purged and the history says who
// changed the page.
// links lists the outgoing links of a text.
func (st *Store) PurgeRevision(ctx context.Context, p Page, number int, later bool, by int64, reason, note string,
	links func(body string) []LinkKey) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var current int
		var title string
		if err := tx.QueryRow(ctx, `SELECT revision, title FROM pages WHERE id = $1 FOR UPDATE`, p.ID).Scan(&current, &title); err != nil {
			return postgres.Found(err, "lock page")
		}
		var found bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM page_revisions WHERE page_id = $1 AND number = $2 AND purged_at IS NULL)`,
			p.ID, number).Scan(&found); err != nil {
			return fmt.Errorf("purge revision: %w", err)
		}
		if !found {
			return errs.E(errs.NotFound, "error.not_found")
		}
		if _, err := tx.Exec(ctx, `UPDATE page_revisions SET title = '', body = '', message = '', purged_at = now(), purged_by = $4
			WHERE page_id = $1 AND purged_at IS NULL AND (number = $2 OR $3 AND number > $2)`, p.ID, number, later, by); err != nil {
			return fmt.Errorf("purge revision: %w", err)
		}
		if err := trash.Log(ctx, tx, by, "revision", p.SpaceID, reason); err != nil {
			return err
		}
		if number != current && !later {
			return nil
		}
		body := ""
		err := tx.QueryRow(ctx, `SELECT title, body FROM page_revisions WHERE page_id = $1 AND purged_at IS NULL
			ORDER BY number DESC LIMIT 1`, p.ID).Scan(&title, &body)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("previous revision: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO page_revisions (page_id, number, title, body, author_id, message) VALUES ($1, $2, $3, $4, $5, $6)`,
			p.ID, current+1, title, body, by, note); err != nil {
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

// KeptRevision is the newest revision before number that still holds
// content: what the page shows after purging from number on (0: none).
func (st *Store) KeptRevision(ctx context.Context, pageID int64, number int) (int, error) {
	return postgres.Value[int](st.pool.QueryRow(ctx, `SELECT coalesce(max(number), 0) FROM page_revisions WHERE page_id = $1 AND number < $2 AND purged_at IS NULL`,
		pageID, number), "kept revision")
}
