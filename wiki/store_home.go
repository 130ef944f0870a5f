package wiki

import (
	"context"
	"time"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Listed is a page as the start page lists it: its title, its space and
// one date. It carries no person: the start page shows what changed, never
// who changed it.
type Listed struct {
	Slug      string    `db:"slug"`
	Title     string    `db:"title"`
	SpaceSlug string    `db:"space_slug"`
	SpaceName string    `db:"space_name"`
	Date      time.Time `db:"date"`
}

// URL is the page's address.
func (l Listed) URL() string { return PageURL(l.SpaceSlug, l.Slug) }

// RecentlyChanged lists the pages of the given spaces last changed,
// newest first, templates left out.
func (st *Store) RecentlyChanged(ctx context.Context, spaces []int64, limit int) ([]Listed, error) {
	rows, _ := st.pool.Query(ctx, `SELECT p.slug::text AS slug, p.title, s.slug::text AS space_slug, s.name AS space_name, p.updated_at AS date
		FROM pages p JOIN spaces s ON s.id = p.space_id
		WHERE p.space_id = ANY($1) AND NOT p.is_template
		ORDER BY p.updated_at DESC, p.id DESC LIMIT $2`, spaces, limit)
	return postgres.All[Listed](rows, "recently changed pages")
}

// OwnDueForReview lists the pages of ownerID in the given spaces whose
// review date has passed, oldest due first, with the due date; like the
// review queue it leaves out archived spaces, where nobody can confirm.
func (st *Store) OwnDueForReview(ctx context.Context, spaces []int64, ownerID int64, limit int) ([]Listed, error) {
	rows, _ := st.pool.Query(ctx, `SELECT p.slug::text AS slug, p.title, s.slug::text AS space_slug, s.name AS space_name, p.review_due AS date
		FROM pages p JOIN spaces s ON s.id = p.space_id
		WHERE p.owner_id = $2 AND p.space_id = ANY($1) AND p.review_due < current_date AND NOT p.is_template
			AND s.archived_at IS NULL
		ORDER BY p.review_due, p.id LIMIT $3`, spaces, ownerID, limit)
	return postgres.All[Listed](rows, "own pages due for review")
}
