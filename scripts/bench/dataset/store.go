package dataset

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// markerSlug names the agency whose name records the options of the data
// set. It is written last, in the transaction that writes everything, so
// that it exists exactly when the whole set does.
const markerSlug = "benchmark-datensatz"

// marker returns the name of the marker agency, "" when there is none.
func marker(ctx context.Context, pool *pgxpool.Pool) (string, error) {
	var name string
	err := pool.QueryRow(ctx, `SELECT name FROM agencies WHERE slug = $1`, markerSlug).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("look for a data set: %w", err)
	}
	return name, nil
}

func writeMarker(ctx context.Context, tx pgx.Tx, name string) error {
	_, err := tx.Exec(ctx, `INSERT INTO agencies (slug, name) VALUES ($1, $2)`, markerSlug, name)
	return err
}

// nextID takes the next value of a table's identity sequence: the rows
// of the set get the ids from there on, given explicitly (COPY accepts
// them for identity columns), and claimID moves the sequence past them.
func nextID(ctx context.Context, tx pgx.Tx, table string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id'))`, table).Scan(&id)
	return id, err
}

func claimID(ctx context.Context, tx pgx.Tx, table string, last int64) error {
	_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), greatest($2::bigint, (SELECT coalesce(max(id), 1) FROM `+
		pgx.Identifier{table}.Sanitize()+`)))`, table, last)
	return err
}

// registerCitext lets COPY send text into the citext columns (slugs,
// handles, e-mail addresses), which pgx does not know by itself.
func registerCitext(ctx context.Context, conn *pgx.Conn) error {
	var oid uint32
	if err := conn.QueryRow(ctx, `SELECT 'citext'::regtype::oid`).Scan(&oid); err != nil {
		return fmt.Errorf("citext: %w", err)
	}
	conn.TypeMap().RegisterType(&pgtype.Type{Name: "citext", OID: oid, Codec: pgtype.TextCodec{}})
	return nil
}

// dropTriggerProfiles removes the empty profiles the accounts trigger
// made, so that the full ones can be copied in.
func dropTriggerProfiles(ctx context.Context, tx pgx.Tx, first, last int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM profiles WHERE account_id BETWEEN $1 AND $2`, first, last)
	return err
}

// setAccepted marks the accepted answers, once the answers exist.
func setAccepted(ctx context.Context, tx pgx.Tx, questions, answers []int64) error {
	_, err := tx.Exec(ctx, `UPDATE questions q SET accepted_answer_id = x.a FROM unnest($1::bigint[], $2::bigint[]) x(q, a) WHERE q.id = x.q`,
		questions, answers)
	return err
}

func analyze(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Exec(ctx, `ANALYZE`)
	return err
}

// account finds an account of the set by handle.
func account(ctx context.Context, pool *pgxpool.Pool, handle string) (id, agency int64, err error) {
	err = pool.QueryRow(ctx, `SELECT id, agency_id FROM accounts WHERE handle = $1`, handle).Scan(&id, &agency)
	if err != nil {
		err = fmt.Errorf("account %s: %w", handle, err)
	}
	return id, agency, err
}

type spaceRef struct {
	ID    int64  `db:"id"`
	Slug  string `db:"slug"`
	Pages int    `db:"pages"`
}

// memberSpaces lists the spaces an account is a member of, with their
// number of pages, by id.
func memberSpaces(ctx context.Context, pool *pgxpool.Pool, accountID int64) ([]spaceRef, error) {
	rows, _ := pool.Query(ctx, `SELECT s.id, s.slug::text AS slug, (SELECT count(*) FROM pages p WHERE p.space_id = s.id)::int AS pages
		FROM space_members m JOIN spaces s ON s.id = m.space_id WHERE m.account_id = $1 ORDER BY s.id`, accountID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[spaceRef])
}

// pagePaths returns the space and page slugs of up to limit pages of the
// spaces, in an order that looks random and is the same every time.
func pagePaths(ctx context.Context, pool *pgxpool.Pool, spaces []int64, limit int) ([][2]string, error) {
	rows, err := pool.Query(ctx, `SELECT s.slug::text, p.slug::text FROM pages p JOIN spaces s ON s.id = p.space_id
		WHERE p.space_id = ANY($1) ORDER BY md5(p.id::text) LIMIT $2`, spaces, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var out [2]string
		err := r.Scan(&out[0], &out[1])
		return out, err
	})
}

// spacePages returns the slugs of the first pages of a space.
func spacePages(ctx context.Context, pool *pgxpool.Pool, spaceID int64, limit int) ([]string, error) {
	rows, _ := pool.Query(ctx, `SELECT slug::text FROM pages WHERE space_id = $1 ORDER BY id LIMIT $2`, spaceID, limit)
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// questionIDs returns up to limit questions of the spaces that have
// their full number of answers, in a fixed order that looks random.
func questionIDs(ctx context.Context, pool *pgxpool.Pool, spaces []int64, answers, limit int) ([]int64, error) {
	rows, _ := pool.Query(ctx, `SELECT id FROM questions WHERE space_id = ANY($1) AND answer_count = $2
		ORDER BY md5(id::text) LIMIT $3`, spaces, answers, limit)
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// copyRows copies rows into a table's columns.
func copyRows(ctx context.Context, tx pgx.Tx, table string, rows [][]any) (int64, error) {
	n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, columns[table], pgx.CopyFromRows(rows))
	if err != nil {
		return n, fmt.Errorf("copy %s: %w", table, err)
	}
	return n, nil
}

// columns are the columns each table is copied into, in the order of
// the rows' values.
var columns = map[string][]string{
	"agencies":       cols("id slug name created_at"),
	"org_units":      cols("id agency_id parent_id name created_at"),
	"accounts":       cols("id agency_id email display_name handle is_admin is_knowledge_manager created_at"),
	"profiles":       cols("account_id position org_unit_id location phone tasks ask_me_about languages hidden derived_consent consent_changed_at updated_at"),
	"topics":         cols("id slug name description parent_id created_at updated_at"),
	"profile_skills": cols("account_id topic_id level confirmed_at"),
	"spaces":         cols("id slug name description agency_id visibility created_at"),
	"space_members":  cols("space_id account_id role"),
	"pages": cols("id space_id parent_id slug title body revision owner_id review_interval_days reviewed_at review_due " +
		"review_noticed created_at updated_at"),
	"page_revisions":  cols("page_id number title body author_id message created_at"),
	"page_links":      cols("from_page_id to_space to_key to_page_id"),
	"page_topics":     cols("page_id topic_id"),
	"watches":         cols("account_id kind item_id created_at"),
	"questions":       cols("id space_id author_id title body score answer_count closed_at closed_by close_reason created_at updated_at active_at"),
	"answers":         cols("id question_id author_id body score created_at updated_at"),
	"post_revisions":  cols("post_type post_id number title body author_id created_at"),
	"votes":           cols("post_type post_id account_id value created_at"),
	"question_topics": cols("question_id topic_id"),
}

func cols(s string) []string { return strings.Fields(s) }
