package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// AccountFilter narrows the administration's account list. Query matches
// any part of the name, e-mail address or handle, ignoring case.
type AccountFilter struct {
	AgencyID int64
	Query    string
	Offset   int
	Limit    int
}

// SearchAccounts lists one page of the accounts the filter matches, by
// name, and how many match in all (for the page count).
func (s *Store) SearchAccounts(ctx context.Context, f AccountFilter) ([]Account, int, error) {
	// A typed % or _ means itself, not a wildcard.
	pattern := "%" + postgres.LikeEscape(strings.TrimSpace(f.Query)) + "%"
	var total int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM accounts a
		WHERE ($1 = 0 OR a.agency_id = $1)
		  AND (a.display_name ILIKE $2 OR a.email ILIKE $2 OR a.handle ILIKE $2)`, f.AgencyID, pattern).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("count accounts: %w", err)
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts a JOIN agencies g ON g.id = a.agency_id
		WHERE ($1 = 0 OR a.agency_id = $1)
		  AND (a.display_name ILIKE $2 OR a.email ILIKE $2 OR a.handle ILIKE $2)
		ORDER BY a.display_name, a.id LIMIT $3 OFFSET $4`, f.AgencyID, pattern, f.Limit, f.Offset)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Account])
	if err != nil {
		return nil, 0, fmt.Errorf("search accounts: %w", err)
	}
	return list, total, nil
}

// AgencyWithCount is an agency and how many accounts belong to it.
type AgencyWithCount struct {
	Agency
	Accounts int `db:"accounts"`
}

// AgenciesWithCounts lists all agencies by name with their account counts.
func (s *Store) AgenciesWithCounts(ctx context.Context) ([]AgencyWithCount, error) {
	rows, _ := s.pool.Query(ctx, `SELECT g.id, g.slug, g.name, g.created_at, count(a.id)::int AS accounts
		FROM agencies g LEFT JOIN accounts a ON a.agency_id = g.id GROUP BY g.id ORDER BY g.name, g.slug`)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[AgencyWithCount])
	if err != nil {
		return nil, fmt.Errorf("list agencies: %w", err)
	}
	return list, nil
}
