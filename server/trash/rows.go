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
// columns the table has now, so that columns added since travel along. A
// reference to a row that is gone meanwhile (an erased account, say) ends
// as the foreign key would have ended it had the item not been in the
// trash: a nullable one comes back empty, a row whose required reference
// is gone stays away (the vote of an erased person). Account ids are
// never given again, so no such row can come back under someone else.
// With skipConflicts, rows that collide with a unique key are left out.
func Reinsert(ctx context.Context, tx pgx.Tx, table string, rows json.RawMessage, skipConflicts bool) error {
	if len(rows) == 0 || string(rows) == "null" {
		return nil
	}
	type column struct {
		Name     string
		NotNull  bool
		RefTable *string
		RefCol   *string
	}
	cr, _ := tx.Query(ctx, `SELECT quote_ident(a.attname::text), a.attnotnull, fk.reftable, fk.refcol
		FROM pg_attribute a
		LEFT JOIN LATERAL (
			SELECT c.confrelid::regclass::text AS reftable, quote_ident(ra.attname::text) AS refcol
			FROM pg_constraint c JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
			WHERE c.conrelid = a.attrelid AND c.contype = 'f' AND c.conkey = ARRAY[a.attnum] LIMIT 1) fk ON true
		WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
		ORDER BY a.attnum`, table)
	cols, err := pgx.CollectRows(cr, pgx.RowToStructByPos[column])
	if err != nil {
		return fmt.Errorf("columns of %s: %w", table, err)
	}
	names, values := make([]string, len(cols)), make([]string, len(cols))
	var present []string
	for i, c := range cols {
		names[i], values[i] = c.Name, "x."+c.Name
		if c.RefTable == nil || *c.RefTable == table {
			continue
		}
		if c.NotNull {
			present = append(present, fmt.Sprintf("EXISTS (SELECT 1 FROM %s r WHERE r.%s = x.%s)", *c.RefTable, *c.RefCol, c.Name))
		} else {
			values[i] = fmt.Sprintf("(SELECT r.%s FROM %s r WHERE r.%s = x.%s)", *c.RefCol, *c.RefTable, *c.RefCol, c.Name)
		}
	}
	name := pgx.Identifier{table}.Sanitize()
	sql := `INSERT INTO ` + name + ` (` + strings.Join(names, ", ") + `) OVERRIDING SYSTEM VALUE
		SELECT ` + strings.Join(values, ", ") + ` FROM jsonb_populate_recordset(NULL::` + name + `, $1) x`
	if len(present) > 0 {
		sql += ` WHERE ` + strings.Join(present, " AND ")
	}
	if skipConflicts {
		sql += ` ON CONFLICT DO NOTHING`
	}
	if _, err := tx.Exec(ctx, sql, rows); err != nil {
		return fmt.Errorf("restore rows of %s: %w", table, err)
	}
	return nil
}

// TopicSlugs maps the ids of the topics the rows of table (page_topics or
// question_topics) with owner column in ids use to their slugs, taken
// before the rows go into the trash.
func TopicSlugs(ctx context.Context, tx pgx.Tx, table, owner string, ids []int64) (json.RawMessage, error) {
	var out json.RawMessage
	err := tx.QueryRow(ctx, `SELECT jsonb_object_agg(t.id, t.slug) FROM topics t WHERE t.id IN (
		SELECT topic_id FROM `+pgx.Identifier{table}.Sanitize()+` WHERE `+pgx.Identifier{owner}.Sanitize()+` = ANY($1))`, ids).Scan(&out)
	if err != nil {
		return nil, fmt.Errorf("topic slugs of %s: %w", table, err)
	}
	return out, nil
}

// ReinsertTopics puts topic rows back. A topic merged into another while
// the item lay in the trash is found by its slug's redirect to the
// survivor; a topic deleted meanwhile is left out.
func ReinsertTopics(ctx context.Context, tx pgx.Tx, table, owner string, rows, slugs json.RawMessage) error {
	if len(rows) == 0 || string(rows) == "null" {
		return nil
	}
	if len(slugs) == 0 || string(slugs) == "null" {
		slugs = json.RawMessage("{}")
	}
	t, o := pgx.Identifier{table}.Sanitize(), pgx.Identifier{owner}.Sanitize()
	_, err := tx.Exec(ctx, `INSERT INTO `+t+` (`+o+`, topic_id)
		SELECT x.owner, coalesce(tp.id, r.topic_id)
		FROM jsonb_to_recordset($1::jsonb) AS x(owner bigint, topic_id bigint)
		LEFT JOIN topics tp ON tp.id = x.topic_id
		LEFT JOIN topic_redirects r ON r.slug = $2::jsonb ->> x.topic_id::text
		WHERE coalesce(tp.id, r.topic_id) IS NOT NULL
		ON CONFLICT DO NOTHING`, renameOwner(rows, owner), slugs)
	if err != nil {
		return fmt.Errorf("restore %s: %w", table, err)
	}
	return nil
}

// renameOwner renames the owner column of topic rows to "owner" for
// jsonb_to_recordset.
func renameOwner(rows json.RawMessage, owner string) json.RawMessage {
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(rows, &list); err != nil {
		return rows
	}
	for _, r := range list {
		r["owner"] = r[owner]
	}
	out, err := json.Marshal(list)
	if err != nil {
		return rows
	}
	return out
}

// Incoming records, for every nullable foreign key into table that sets
// NULL on delete, the rows that refer to ids, by their primary key: the
// deletion empties those references (a question promoted to a trashed
// page, links of other pages to it), and Reconnect sets them again.
func Incoming(ctx context.Context, tx pgx.Tx, table string, ids []int64) (json.RawMessage, error) {
	type fk struct{ Table, Column, Key string }
	rows, _ := tx.Query(ctx, `SELECT c.conrelid::regclass::text, quote_ident(a.attname::text),
			(SELECT string_agg(quote_ident(ka.attname::text), ',' ORDER BY ka.attnum) FROM pg_index i
			 JOIN pg_attribute ka ON ka.attrelid = i.indrelid AND ka.attnum = ANY(i.indkey)
			 WHERE i.indrelid = c.conrelid AND i.indisprimary)
		FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		WHERE c.contype = 'f' AND c.confrelid = $1::regclass AND c.confdeltype = 'n' AND cardinality(c.conkey) = 1
		ORDER BY 1, 2`, table)
	fks, err := pgx.CollectRows(rows, pgx.RowToStructByPos[fk])
	if err != nil {
		return nil, fmt.Errorf("references to %s: %w", table, err)
	}
	type refs struct {
		Table  string          `json:"table"`
		Column string          `json:"column"`
		Key    string          `json:"key"`
		Rows   json.RawMessage `json:"rows"`
	}
	var out []refs
	for _, f := range fks {
		if f.Key == "" {
			continue
		}
		var found json.RawMessage
		err := tx.QueryRow(ctx, `SELECT jsonb_agg(to_jsonb(t)) FROM (SELECT `+f.Key+`, `+f.Column+` AS ref FROM `+f.Table+`
			WHERE `+f.Column+` = ANY($1)) t`, ids).Scan(&found)
		if err != nil {
			return nil, fmt.Errorf("references from %s: %w", f.Table, err)
		}
		if len(found) > 0 && string(found) != "null" {
			out = append(out, refs{Table: f.Table, Column: f.Column, Key: f.Key, Rows: found})
		}
	}
	return json.Marshal(out)
}

// Reconnect sets the references Incoming recorded again on the rows that
// still exist and have not been pointed elsewhere meanwhile.
func Reconnect(ctx context.Context, tx pgx.Tx, incoming json.RawMessage) error {
	var list []struct {
		Table  string          `json:"table"`
		Column string          `json:"column"`
		Key    string          `json:"key"`
		Rows   json.RawMessage `json:"rows"`
	}
	if len(incoming) == 0 || string(incoming) == "null" {
		return nil
	}
	if err := json.Unmarshal(incoming, &list); err != nil {
		return fmt.Errorf("read references: %w", err)
	}
	for _, r := range list {
		var match []string
		for _, k := range strings.Split(r.Key, ",") {
			match = append(match, "t."+k+" = x."+k)
		}
		_, err := tx.Exec(ctx, `UPDATE `+r.Table+` t SET `+r.Column+` = (e->>'ref')::bigint
			FROM jsonb_array_elements($1::jsonb) e, LATERAL jsonb_populate_record(NULL::`+r.Table+`, e) x
			WHERE `+strings.Join(match, " AND ")+` AND t.`+r.Column+` IS NULL`, r.Rows)
		if err != nil {
			return fmt.Errorf("reconnect %s.%s: %w", r.Table, r.Column, err)
		}
	}
	return nil
}
