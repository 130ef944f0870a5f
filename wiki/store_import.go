package wiki

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// insertPage inserts a page with its first revision and what goes with
// it, in tx.
func (st *Store) insertPage(ctx context.Context, tx pgx.Tx, spaceID int64, slug string, d Draft, authorID int64, after afterWrite) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO pages (space_id, parent_id, slug, title, body, owner_id, review_interval_days, is_template, review_due)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		spaceID, d.ParentID, slug, d.Title, d.Body, d.OwnerID, d.ReviewIntervalDays, d.IsTemplate, d.ReviewDue).Scan(&id)
	if err != nil {
		return 0, postgres.Constraint(err, "insert page", map[string]*errs.Error{
			"pages_space_id_slug_key": errs.E(errs.Conflict, "wiki.slug_taken").OnField("title"),
		})
	}
	// An import run by an operator has no author (0).
	if _, err := tx.Exec(ctx, `INSERT INTO page_revisions (page_id, number, title, body, author_id, message) VALUES ($1, 1, $2, $3, NULLIF($4::bigint, 0), $5)`,
		id, d.Title, d.Body, authorID, d.Message); err != nil {
		return 0, fmt.Errorf("insert revision: %w", err)
	}
	if err := writeRelations(ctx, tx, id, d); err != nil {
		return 0, err
	}
	return id, st.then(ctx, tx, after, id, "")
}

// FillEmpty runs fill in one transaction that holds the space's row, so
// that imports into one space follow each other, and only while the
// space has no page: a second import finds the first one's pages and
// writes nothing.
func (st *Store) FillEmpty(ctx context.Context, spaceID int64, fill func(tx pgx.Tx) error) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		if err := lockSpace(ctx, tx, spaceID); err != nil {
			return err
		}
		// A statement of its own: it sees what an import committed while
		// this one waited for the lock.
		has, err := hasPages(ctx, tx, spaceID)
		if err != nil {
			return err
		}
		if has {
			return errs.E(errs.Conflict, "wiki.import.not_empty").OnField("file")
		}
		return fill(tx)
	})
}

func lockSpace(ctx context.Context, tx pgx.Tx, spaceID int64) error {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM spaces WHERE id = $1 FOR UPDATE`, spaceID).Scan(&id)
	if err != nil {
		return postgres.Found(err, "lock space")
	}
	return nil
}
