package qa

import (
	"context"
	"fmt"
)

// DisplayNames maps handles to the names of their accounts; unknown
// handles are absent.
func (st *Store) DisplayNames(ctx context.Context, handles []string) (map[string]string, error) {
	names := map[string]string{}
	if len(handles) == 0 {
		return names, nil
	}
	rows, err := st.pool.Query(ctx, `SELECT lower(handle::text), display_name FROM accounts WHERE lower(handle::text) = ANY($1)`, handles)
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
