package policies

import "context"

// MemberSpaces lists, of the spaces in readable, those accountID belongs
// to: as a member in person or through a group, and the organisation
// spaces of the person's agency, whose members its staff are. Active
// spaces first, by name; at most limit.
func (st *Store) MemberSpaces(ctx context.Context, accountID, agencyID int64, readable []int64, limit int) ([]Space, error) {
	return st.spaces(ctx, `s.id = ANY($3) AND (
			(s.visibility = 'organisation' AND s.agency_id = $2)
			OR s.id IN (SELECT m.space_id FROM space_members m WHERE m.account_id = $1
				UNION SELECT m.space_id FROM space_members m JOIN group_members g ON g.group_id = m.group_id WHERE g.account_id = $1))
		ORDER BY s.archived_at IS NOT NULL, s.name, s.id LIMIT $4`, accountID, agencyID, readable, limit)
}
