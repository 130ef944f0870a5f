package policies

import (
	"context"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// MemberSpaces lists, of the spaces in readable, those accountID belongs
// to: as a member in person or through a group, and the organisation
// spaces of the person's agency. Active spaces first, by name; at most
// limit.
func (st *Store) MemberSpaces(ctx context.Context, accountID, agencyID int64, readable []int64, limit int) ([]Space, error) {
	rows, _ := st.pool.Query(ctx, `WITH mine AS (
			SELECT m.space_id FROM space_members m WHERE m.account_id = $1
			UNION SELECT m.space_id FROM space_members m JOIN group_members g ON g.group_id = m.group_id WHERE g.account_id = $1)
		SELECT `+spaceColumns+`
		FROM spaces s JOIN agencies a ON a.id = s.agency_id
		WHERE s.id = ANY($3) AND (s.id IN (SELECT space_id FROM mine) OR (s.visibility = 'organisation' AND s.agency_id = $2))
		ORDER BY s.archived_at IS NOT NULL, s.name, s.id LIMIT $4`, accountID, agencyID, readable, limit)
	return postgres.All[Space](rows, "member spaces")
}
