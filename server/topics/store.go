package topics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// Topic is one node of the topic tree.
type Topic struct {
	ID          int64     `db:"id" json:"id"`
	Slug        string    `db:"slug" json:"slug"`
	Name        string    `db:"name" json:"name"`
	Description string    `db:"description" json:"description"`
	ParentID    *int64    `db:"parent_id" json:"parent"`
	Unsorted    bool      `db:"unsorted" json:"unsorted"`
	Synonyms    []string  `db:"synonyms" json:"synonyms"`
	ProposedBy  *string   `db:"proposed_by" json:"-"` // display name of who proposed an unsorted topic
	ProposerID  *int64    `db:"proposer_id" json:"-"`
	UpdatedAt   time.Time `db:"updated_at" json:"updated_at"`
}

// Paragraphs splits the description into plain-text paragraphs.
func (t Topic) Paragraphs() []string { return paragraphs(t.Description) }

// Store holds the SQL of topics, their labels and redirects, and of the
// glossary.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

const topicSelect = `SELECT t.id, t.slug::text AS slug, t.name, t.description, t.parent_id, t.unsorted,
	array(SELECT l.label::text FROM topic_labels l WHERE l.topic_id = t.id AND NOT l.is_name ORDER BY lower(l.label::text)) AS synonyms,
	a.display_name AS proposed_by, t.proposed_by AS proposer_id, t.updated_at
	FROM topics t LEFT JOIN accounts a ON a.id = t.proposed_by `

func (st *Store) topics(ctx context.Context, q postgres.Querier, sql string, args ...any) ([]Topic, error) {
	rows, _ := q.Query(ctx, sql, args...)
	return postgres.All[Topic](rows, "load topics")
}

func one(list []Topic, err error) (Topic, error) {
	if err != nil {
		return Topic{}, err
	}
	if len(list) == 0 {
		return Topic{}, errs.E(errs.NotFound, "error.not_found")
	}
	return list[0], nil
}

// All loads every topic, unsorted proposals included.
func (st *Store) All(ctx context.Context) ([]Topic, error) {
	return st.topics(ctx, st.pool, topicSelect+`ORDER BY t.id`)
}

// Page loads up to limit topics with ids above cursor, by id.
func (st *Store) Page(ctx context.Context, limit int, cursor int64) ([]Topic, error) {
	return st.topics(ctx, st.pool, topicSelect+`WHERE t.id > $1 ORDER BY t.id LIMIT $2`, cursor, limit)
}

// ByIDs loads the given topics, by id.
func (st *Store) ByIDs(ctx context.Context, ids []int64) ([]Topic, error) {
	return st.topics(ctx, st.pool, topicSelect+`WHERE t.id = ANY($1) ORDER BY t.id`, ids)
}

// ByID loads one topic.
func (st *Store) ByID(ctx context.Context, id int64) (Topic, error) {
	return one(st.topics(ctx, st.pool, topicSelect+`WHERE t.id = $1`, id))
}

// BySlug loads a topic by its slug, or by the slug of a topic merged into
// it; redirected reports the latter.
func (st *Store) BySlug(ctx context.Context, slug string) (topic Topic, redirected bool, err error) {
	topic, err = one(st.topics(ctx, st.pool, topicSelect+`WHERE t.slug = $1`, slug))
	if !errs.Is(err, errs.NotFound) {
		return topic, false, err
	}
	topic, err = one(st.topics(ctx, st.pool, topicSelect+`WHERE t.id = (SELECT topic_id FROM topic_redirects WHERE slug = $1)`, slug))
	return topic, err == nil, err
}

// ByLabels finds the topics whose name or synonym is one of labels,
// case-insensitively, keyed by the lower-cased label.
func (st *Store) ByLabels(ctx context.Context, q postgres.Querier, labels []string) (map[string]Topic, error) {
	rows, _ := q.Query(ctx, `SELECT lower(l.label::text) AS label, l.topic_id FROM topic_labels l WHERE l.label = ANY($1::citext[])`, labels)
	type hit struct {
		Label   string `db:"label"`
		TopicID int64  `db:"topic_id"`
	}
	hits, err := pgx.CollectRows(rows, pgx.RowToStructByName[hit])
	if err != nil {
		return nil, fmt.Errorf("find labels: %w", err)
	}
	ids := make([]int64, 0, len(hits))
	for _, h := range hits {
		ids = append(ids, h.TopicID)
	}
	list, err := st.topics(ctx, q, topicSelect+`WHERE t.id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Topic, len(list))
	for _, t := range list {
		byID[t.ID] = t
	}
	out := make(map[string]Topic, len(hits))
	for _, h := range hits {
		out[h.Label] = byID[h.TopicID]
	}
	return out, nil
}

// LabelOwner names the topic that holds label, for a conflict message.
func (st *Store) LabelOwner(ctx context.Context, label string) (string, error) {
	var name string
	err := st.pool.QueryRow(ctx, `SELECT t.name FROM topic_labels l JOIN topics t ON t.id = l.topic_id WHERE l.label = $1`, label).Scan(&name)
	return name, err
}

// Descendants returns id and the ids of every topic below it.
func (st *Store) Descendants(ctx context.Context, q postgres.Querier, id int64) ([]int64, error) {
	// UNION, not UNION ALL: even a corrupted tree with a cycle ends.
	rows, _ := q.Query(ctx, `WITH RECURSIVE d(id) AS (
			SELECT id FROM topics WHERE id = $1
			UNION
			SELECT t.id FROM topics t JOIN d ON t.parent_id = d.id)
		SELECT id FROM d`, id)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("descendants: %w", err)
	}
	if len(ids) == 0 {
		return nil, errs.E(errs.NotFound, "error.not_found")
	}
	return ids, nil
}

// Subtree is a topic by slug (or by the slug of a topic merged into it)
// with the ids of it and every topic below it: what "questions on this
// topic" and "experts for this topic" cover.
func (st *Store) Subtree(ctx context.Context, slug string) (Topic, []int64, error) {
	t, _, err := st.BySlug(ctx, slug)
	if err != nil {
		return t, nil, err
	}
	ids, err := st.Descendants(ctx, st.pool, t.ID)
	return t, ids, err
}

// Ancestors lists the topics above id, the top level first.
func (st *Store) Ancestors(ctx context.Context, id int64) ([]Topic, error) {
	return st.topics(ctx, st.pool, `WITH RECURSIVE up(id, depth) AS (
			SELECT parent_id, 1 FROM topics WHERE id = $1 AND parent_id IS NOT NULL
			UNION ALL
			SELECT t.parent_id, up.depth + 1 FROM topics t JOIN up ON t.id = up.id
			WHERE t.parent_id IS NOT NULL AND up.depth < 1000)
		`+topicSelect+`JOIN up ON up.id = t.id ORDER BY up.depth DESC`, id)
}

// Children lists the topics directly below id in German alphabetical
// order.
func (st *Store) Children(ctx context.Context, id int64) ([]Topic, error) {
	list, err := st.topics(ctx, st.pool, topicSelect+`WHERE t.parent_id = $1`, id)
	if err != nil {
		return nil, err
	}
	sortTopics(list)
	return list, nil
}

// UnsortedCount counts the proposals waiting for a knowledge manager.
func (st *Store) UnsortedCount(ctx context.Context) (int, error) {
	var n int
	err := st.pool.QueryRow(ctx, `SELECT count(*) FROM topics WHERE unsorted`).Scan(&n)
	return n, err
}

// slugTaken reports whether a topic or a redirect uses slug.
func slugTaken(ctx context.Context, q postgres.Querier, slug string) (bool, error) {
	var taken bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM topics WHERE slug = $1) OR EXISTS (SELECT 1 FROM topic_redirects WHERE slug = $1)`, slug).Scan(&taken)
	return taken, err
}

// newTopic is a row to insert.
type newTopic struct {
	Slug, Name, Description string
	ParentID                *int64
	Unsorted                bool
	ProposedBy              *int64
}

func insertTopic(ctx context.Context, tx pgx.Tx, n newTopic) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO topics (slug, name, description, parent_id, unsorted, proposed_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, n.Slug, n.Name, n.Description, n.ParentID, n.Unsorted, n.ProposedBy).Scan(&id)
	return id, err
}

func updateTopic(ctx context.Context, tx pgx.Tx, id int64, name, description string) error {
	_, err := tx.Exec(ctx, `UPDATE topics SET name = $2, description = $3, updated_at = now() WHERE id = $1`, id, name, description)
	return err
}

func setParent(ctx context.Context, tx pgx.Tx, id int64, parent *int64) error {
	_, err := tx.Exec(ctx, `UPDATE topics SET parent_id = $2, unsorted = false, updated_at = now() WHERE id = $1`, id, parent)
	return err
}

func addSynonym(ctx context.Context, tx pgx.Tx, id int64, label string) error {
	_, err := tx.Exec(ctx, `INSERT INTO topic_labels (label, topic_id) VALUES ($1, $2)`, label, id)
	return err
}

func removeSynonym(ctx context.Context, tx pgx.Tx, id int64, label string) (bool, error) {
	tag, err := tx.Exec(ctx, `DELETE FROM topic_labels WHERE topic_id = $1 AND label = $2 AND NOT is_name`, id, label)
	return tag.RowsAffected() > 0, err
}

func touch(ctx context.Context, tx pgx.Tx, id int64) error {
	_, err := tx.Exec(ctx, `UPDATE topics SET updated_at = now() WHERE id = $1`, id)
	return err
}

// lockTree serialises changes to the tree's shape (moves, merges), so that
// two concurrent moves cannot together build a cycle that neither saw.
func lockTree(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(0x746f706963)) // "topic"
	return err
}

// mergeRows does the topic tables' part of merging from into to: to takes
// from's place if it was below from, from's children, names, synonyms and
// redirects move to to, from's slug redirects to to, and from is deleted.
func mergeRows(ctx context.Context, tx pgx.Tx, from, to int64) error {
	steps := []struct {
		what, sql string
		args      []any
	}{
		{"lift target", `UPDATE topics SET parent_id = (SELECT parent_id FROM topics WHERE id = $1)
			WHERE id = $2 AND id IN (WITH RECURSIVE d(id) AS (SELECT id FROM topics WHERE parent_id = $1
				UNION SELECT t.id FROM topics t JOIN d ON t.parent_id = d.id) SELECT id FROM d)`, []any{from, to}},
		{"move children", `UPDATE topics SET parent_id = $2 WHERE parent_id = $1`, []any{from, to}},
		{"move labels", `UPDATE topic_labels SET topic_id = $2, is_name = false WHERE topic_id = $1`, []any{from, to}},
		{"move redirects", `UPDATE topic_redirects SET topic_id = $2 WHERE topic_id = $1`, []any{from, to}},
		{"redirect slug", `INSERT INTO topic_redirects (slug, topic_id) SELECT slug, $2 FROM topics WHERE id = $1`, []any{from, to}},
		{"delete topic", `DELETE FROM topics WHERE id = $1`, []any{from}},
		{"touch target", `UPDATE topics SET updated_at = now() WHERE id = $1`, []any{to}},
	}
	for _, s := range steps {
		if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("merge topics: %s: %w", s.what, err)
		}
	}
	return nil
}

// deleteProposal deletes an unsorted topic without children.
func deleteProposal(ctx context.Context, tx pgx.Tx, id int64) error {
	var unsorted, children bool
	err := tx.QueryRow(ctx, `SELECT unsorted, EXISTS (SELECT 1 FROM topics c WHERE c.parent_id = t.id) FROM topics t WHERE id = $1 FOR UPDATE`, id).Scan(&unsorted, &children)
	if err != nil {
		return postgres.Found(err, "lock topic")
	}
	if !unsorted {
		return errs.E(errs.Conflict, "topics.delete_not_unsorted")
	}
	if children {
		return errs.E(errs.Conflict, "topics.delete_has_children")
	}
	_, err = tx.Exec(ctx, `DELETE FROM topics WHERE id = $1`, id)
	return err
}

// Suggestion is one autocomplete answer: the topic and, when a synonym
// matched rather than the name, that synonym.
type Suggestion struct {
	ID      int64  `db:"id" json:"id"`
	Slug    string `db:"slug" json:"slug"`
	Name    string `db:"name" json:"name"`
	Synonym string `db:"synonym" json:"synonym,omitempty"`
}

// Suggest finds topics a name or synonym of which starts with the folded
// prefix, names before synonyms, shorter first: sorted topics, and of the
// unsorted proposals those in proposals.
func (st *Store) Suggest(ctx context.Context, foldedPrefix string, limit int, proposals []int64) ([]Suggestion, error) {
	pattern := postgres.LikeEscape(foldedPrefix) + "%"
	rows, _ := st.pool.Query(ctx, `SELECT id, slug, name, synonym FROM (
			SELECT DISTINCT ON (t.id) t.id, t.slug::text AS slug, t.name,
				CASE WHEN l.is_name THEN '' ELSE l.label::text END AS synonym, l.is_name
			FROM topic_labels l JOIN topics t ON t.id = l.topic_id
			WHERE l.fold LIKE $1 AND (NOT t.unsorted OR t.id = ANY($3))
			ORDER BY t.id, l.is_name DESC, length(l.label)) s
		ORDER BY NOT is_name, length(name), lower(name) LIMIT $2`, pattern, limit, proposals)
	return postgres.All[Suggestion](rows, "suggest topics")
}

// ProposalsByPrefix loads up to limit unsorted proposals a name or
// synonym of which starts with the folded prefix, newest first.
func (st *Store) ProposalsByPrefix(ctx context.Context, foldedPrefix string, limit int) ([]Topic, error) {
	return st.topics(ctx, st.pool, topicSelect+`WHERE t.unsorted AND EXISTS (SELECT 1 FROM topic_labels l WHERE l.topic_id = t.id AND l.fold LIKE $1)
		ORDER BY t.id DESC LIMIT $2`, postgres.LikeEscape(foldedPrefix)+"%", limit)
}

// LabelGroups lists each topic's labels (name first) for topics that have
// at least one synonym.
func (st *Store) LabelGroups(ctx context.Context) ([][]string, error) {
	rows, _ := st.pool.Query(ctx, `SELECT array_agg(label::text ORDER BY NOT is_name, lower(label::text))
		FROM topic_labels GROUP BY topic_id HAVING count(*) > 1`)
	return postgres.Values[[]string](rows, "label groups")
}

// violates reports whether err is a violation of the named constraint.
func violates(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.ConstraintName == constraint
}

// isForeignKeyViolation reports whether err is a reference that blocks a
// delete.
func isForeignKeyViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503"
}
