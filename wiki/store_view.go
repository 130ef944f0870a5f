package wiki

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The queries of what surrounds a page, shared by the methods that ask
// for one part and by Surroundings, which asks for all at once.
const (
	topicsSQL = `SELECT t.id, t.slug, t.name FROM page_topics pt JOIN topics t ON t.id = pt.topic_id
		WHERE pt.page_id = $1 ORDER BY t.name`
	backlinksSQL = `SELECT DISTINCT f.id, f.space_id, s.slug AS space_slug, f.slug, f.title
		FROM page_links l JOIN pages f ON f.id = l.from_page_id JOIN spaces s ON s.id = f.space_id
		WHERE (l.to_page_id = $1 OR (l.to_space = $3::citext AND (l.to_key = lower($4) OR l.to_key = $5::text)
			AND NOT EXISTS (SELECT 1 FROM pages t WHERE t.id = l.to_page_id)))
		  AND f.id <> $1 AND f.space_id = ANY($2)
		ORDER BY f.title, f.id`
	attachmentsSQL = `SELECT id, page_id, filename, content_type, size, sha256, uploaded_by, created_at
		FROM attachments WHERE page_id = $1 ORDER BY lower(filename)`
	treeSQL = `SELECT id, parent_id, slug, title, is_template FROM pages WHERE space_id = $1 ORDER BY lower(title), id`
)

// Surroundings are what a page's view shows beside its text.
type Surroundings struct {
	Topics      []Topic
	Backlinks   []PageRef
	Attachments []Attachment
	Tree        []Node
}

// Surroundings loads a page's topics, the pages in readable spaces that
// link to it, its attachments and the pages of its space in one round
// trip: a page view is the most frequent request, and each round trip
// costs both processes a wake-up on a busy machine.
func (st *Store) Surroundings(ctx context.Context, p Page, readable []int64) (Surroundings, error) {
	var s Surroundings
	b := &pgx.Batch{}
	b.Queue(topicsSQL, p.ID).Query(func(rows pgx.Rows) (err error) {
		s.Topics, err = pgx.CollectRows(rows, pgx.RowToStructByName[Topic])
		return err
	})
	b.Queue(backlinksSQL, p.ID, readable, p.SpaceSlug, p.Title, p.Slug).Query(func(rows pgx.Rows) (err error) {
		s.Backlinks, err = pgx.CollectRows(rows, pgx.RowToStructByName[PageRef])
		return err
	})
	b.Queue(attachmentsSQL, p.ID).Query(func(rows pgx.Rows) (err error) {
		s.Attachments, err = pgx.CollectRows(rows, pgx.RowToStructByName[Attachment])
		return err
	})
	b.Queue(treeSQL, p.SpaceID).Query(func(rows pgx.Rows) (err error) {
		s.Tree, err = scanNodes(rows)
		return err
	})
	if err := st.pool.SendBatch(ctx, b).Close(); err != nil {
		return s, fmt.Errorf("surroundings of page %d: %w", p.ID, err)
	}
	// Earlier versions of files are rare: a second round trip only then.
	return s, st.addVersions(ctx, s.Attachments)
}

// scanNodes reads the rows of treeSQL by position: a space's hundreds of
// rows are read on every page view, and matching columns to fields by
// name costs more than the query.
func scanNodes(rows pgx.Rows) ([]Node, error) {
	var nodes []Node
	var n Node
	_, err := pgx.ForEachRow(rows, []any{&n.ID, &n.ParentID, &n.Slug, &n.Title, &n.IsTemplate}, func() error {
		nodes = append(nodes, n)
		n.ParentID = nil
		return nil
	})
	return nodes, err
}
