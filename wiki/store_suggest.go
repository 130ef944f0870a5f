package wiki

import (
	"context"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// PageSuggestion is a page offered while a wiki link is typed.
type PageSuggestion struct {
	Title     string `db:"title"`
	SpaceSlug string `db:"space_slug"`
	SpaceName string `db:"space_name"`
}

// SuggestPages finds pages in the given spaces whose title contains q,
// those whose title starts with it and those of the preferred space first.
func (s *Store) SuggestPages(ctx context.Context, spaceIDs []int64, preferred int64, q string, limit int) ([]PageSuggestion, error) {
	like := postgres.LikeEscape(q)
	rows, _ := s.pool.Query(ctx, `SELECT p.title, s.slug::text AS space_slug, s.name AS space_name
		FROM pages p JOIN spaces s ON s.id = p.space_id
		WHERE p.space_id = ANY($1) AND lower(p.title) LIKE '%' || lower($2) || '%'
		ORDER BY p.space_id = $3 DESC, lower(p.title) LIKE lower($2) || '%' DESC, lower(p.title), p.id
		LIMIT $4`, spaceIDs, like, preferred, limit)
	return postgres.All[PageSuggestion](rows, "suggest pages")
}
