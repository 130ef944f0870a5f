package trash

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Rows takes the rows of table that match where out of it and returns
// them as a JSON array (null when there are none). Generated columns are
// left out: they are computed again on restore.
func Rows(ctx context.Context, tx pgx.Tx, table, where string, args ...any) (json.RawMessage, error) {
	name := pgx.Identifier{table}.Sanitize()
	var out json.RawMessage
	err := tx.QueryRow(ctx, `WITH gone AS (DELETE FROM `+name+` t WHERE `+where+` RETURNING t.*)
		SELECT jsonb_agg(to_jsonb(g)) FROM gone g`, args...).Scan(&out)
	if err != nil {
		return nil, fmt.Errorf("trash rows of %s: %w", table, err)
	}
	return out, nil
}

// Copy returns the rows of table that match where as a JSON array without
// removing them.
func Copy(ctx context.Context, tx pgx.Tx, table, where string, args ...any) (json.RawMessage, error) {
	name := pgx.Identifier{table}.Sanitize()
	var out json.RawMessage
	if err := tx.QueryRow(ctx, `SELECT jsonb_agg(to_jsonb(t)) FROM `+name+` t WHERE `+where, args...).Scan(&out); err != nil {
		return nil, fmt.Errorf("copy rows of %s: %w", table, err)
	}
	return out, nil
}

// Reinsert puts rows taken by Rows back into table under their ids, by the
// columns the table has now, so that columns added since travel along.
// With skipConflicts, rows that collide with a unique key are left out.
func Reinsert(ctx context.Context, tx pgx.Tx, table string, rows json.RawMessage, skipConflicts bool) error {
	if len(rows) == 0 || string(rows) == "null" {
		return nil
	}
	var cols []string
	err := tx.QueryRow(ctx, `SELECT array_agg(quote_ident(attname::text) ORDER BY attnum) FROM pg_attribute
		WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''`, table).Scan(&cols)
	if err != nil {
		return fmt.Errorf("columns of %s: %w", table, err)
	}
	list := strings.Join(cols, ", ")
	name := pgx.Identifier{table}.Sanitize()
	sql := `INSERT INTO ` + name + ` (` + list + `) OVERRIDING SYSTEM VALUE
		SELECT ` + list + ` FROM jsonb_populate_recordset(NULL::` + name + `, $1)`
	if skipConflicts {
		sql += ` ON CONFLICT DO NOTHING`
	}
	if _, err := tx.Exec(ctx, sql, rows); err != nil {
		return fmt.Errorf("restore rows of %s: %w", table, err)
	}
	return nil
}
