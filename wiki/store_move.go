package wiki

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
)

// Move puts a page, with everything below it, under another parent in
// this or another space. Old addresses keep redirecting; a slug already
// taken in the target space gets a number appended; after, if any, is told of the moved page and of every page moved with it.
func (st *Store) Move(ctx context.Context, p Page, toSpaceID int64, toParent *int64, after func(ctx context.Context, tx pgx.Tx, p Page, subtree []int64) error) (Page, error) {
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		// The pages_version triggers lock each space whose pages change;
		// two moves in opposite directions take both spaces, in the
		// order of their ids, before either changes a page.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM spaces WHERE id IN ($1, $2) ORDER BY id FOR NO KEY UPDATE`, p.SpaceID, toSpaceID); err != nil {
			return fmt.Errorf("lock spaces of the move: %w", err)
		}
		if toParent != nil {
			var cycle bool
			err := tx.QueryRow(ctx, `WITH RECURSIVE below AS (
					SELECT id FROM pages WHERE id = $1
					UNION SELECT c.id FROM pages c JOIN below b ON c.parent_id = b.id)
				SELECT $2 IN (SELECT id FROM below)`, p.ID, *toParent).Scan(&cycle)
			if err != nil {
				return fmt.Errorf("check move: %w", err)
			}
			if cycle {
				return errs.E(errs.Invalid, "wiki.move_cycle").OnField("parent")
			}
		}
		rows, err := tx.Query(ctx, `WITH RECURSIVE below AS (
				SELECT id, slug FROM pages WHERE id = $1
				UNION SELECT c.id, c.slug FROM pages c JOIN below b ON c.parent_id = b.id)
			SELECT id, slug FROM below`, p.ID)
		if err != nil {
			return fmt.Errorf("list subtree: %w", err)
		}
		type moved struct {
			id   int64
			slug string
		}
		var subtree []moved
		for rows.Next() {
			var m moved
			if err := rows.Scan(&m.id, &m.slug); err != nil {
				rows.Close()
				return err
			}
			subtree = append(subtree, m)
		}
		rows.Close()
		if _, err := tx.Exec(ctx, `UPDATE pages SET parent_id = $2 WHERE id = $1`, p.ID, toParent); err != nil {
			return fmt.Errorf("move page: %w", err)
		}
		ids, slugs := make([]int64, len(subtree)), make([]string, len(subtree))
		for i, m := range subtree {
			ids[i], slugs[i] = m.id, m.slug
		}
		if err := search.Enqueue(ctx, tx, "page", ids...); err != nil {
			return err
		}
		if toSpaceID != p.SpaceID {
			if err := moveToSpace(ctx, tx, p.SpaceID, toSpaceID, ids, slugs); err != nil {
				return err
			}
		}
		if after == nil {
			return nil
		}
		now, err := st.onePage(ctx, tx, `p.id = $1`, p.ID)
		if err != nil {
			return err
		}
		return after(ctx, tx, now, ids)
	})
	if err != nil {
		return Page{}, err
	}
	return st.PageByID(ctx, p.ID)
}

// moveToSpace gives the pages ids (with their slugs) free slugs in the
// space they move to and keeps their old addresses as redirects.
func moveToSpace(ctx context.Context, tx pgx.Tx, fromSpaceID, toSpaceID int64, ids []int64, slugs []string) error {
	for i, id := range ids {
		slug, err := freeSlug(ctx, tx, toSpaceID, slugs[i], id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO page_redirects (space_id, slug, page_id) VALUES ($1, $2, $3)
			ON CONFLICT (space_id, slug) DO UPDATE SET page_id = excluded.page_id`, fromSpaceID, slugs[i], id); err != nil {
			return fmt.Errorf("keep old address: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM page_redirects WHERE space_id = $1 AND slug = $2`, toSpaceID, slug); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE pages SET space_id = $2, slug = $3 WHERE id = $1`, id, toSpaceID, slug); err != nil {
			return fmt.Errorf("move page to space: %w", err)
		}
	}
	if err := moveTrashedAttachments(ctx, tx, ids, fromSpaceID, toSpaceID); err != nil {
		return err
	}
	return relinkMoved(ctx, tx, ids, fromSpaceID, toSpaceID)
}

func freeSlug(ctx context.Context, tx pgx.Tx, spaceID int64, slug string, self int64) (string, error) {
	for i := 1; i < 1000; i++ {
		candidate := slug
		if i > 1 {
			candidate = fmt.Sprintf("%s-%d", strings.TrimRight(slug[:min(len(slug), 95)], "-"), i)
		}
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pages WHERE space_id = $1 AND slug = $2 AND id <> $3)`,
			spaceID, candidate, self).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return candidate, nil
		}
	}
	return "", errs.E(errs.Conflict, "wiki.slug_taken")
}
