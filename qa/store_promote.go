package qa

import (
	"context"
	"fmt"
)

// DisplayNames maps handles to the names of the accounts the viewer could
// find: listed profiles (not hidden, not left, not disabled) of agency (of
// every agency when 0), the viewer, and members of space spaceID, directly
// or through a group. Other handles are absent.
func (st *Store) DisplayNames(ctx context.Context, handles []string, viewerID, agency, spaceID int64) (map[string]string, error) {
	names := map[string]string{}
	if len(handles) == 0 {
		return names, nil
	}
	rows, err := st.pool.Query(ctx, `SELECT lower(a.handle::text), a.display_name FROM accounts a
		WHERE lower(a.handle::text) = ANY($1) AND (a.id = $2
			OR (a.disabled_at IS NULL AND ($3 = 0 OR a.agency_id = $3)
				AND EXISTS (SELECT 1 FROM profiles p WHERE p.account_id = a.id AND NOT p.hidden AND p.left_at IS NULL))
			OR EXISTS (SELECT 1 FROM space_members m WHERE m.space_id = $4 AND m.account_id = a.id)
			OR EXISTS (SELECT 1 FROM space_members m JOIN group_members g ON g.group_id = m.group_id
				WHERE m.space_id = $4 AND g.account_id = a.id))`, handles, viewerID, agency, spaceID)
	if err != nil {
		return nil, fmt.Errorf("names of mentioned people: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h, n string
		if err := rows.Scan(&h, &n); err != nil {
			return nil, err
		}
		names[h] = n
	}
	return names, rows.Err()
}
