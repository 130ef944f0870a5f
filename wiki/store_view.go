package wiki

import (
	"context"
	"fmt"
	"sync"

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
	// linkTargetsSQL: the pages the stored links of a page resolve to.
	linkTargetsSQL = `SELECT l.to_space::text, l.to_key, p.id, p.space_id, s.slug::text, p.slug::text, p.title
		FROM page_links l JOIN pages p ON p.id = l.to_page_id JOIN spaces s ON s.id = p.space_id
		WHERE l.from_page_id = $1`
)

// Surroundings are what a page's view shows beside its text.
type Surroundings struct {
	Topics      []Topic
	Backlinks   []PageRef
	Attachments []Attachment
	Tree        []Node
	Links       map[LinkKey]PageRef // where its stored links resolve to
	// TreeVersion is the version of the space's pages the tree is of.
	TreeVersion int64
}

// Surroundings loads a page's topics, the pages in readable spaces that
// link to it, where its own links lead, its attachments and the pages of
// its space in one round trip: a page view is the most frequent request,
// and each round trip costs both processes a wake-up on a busy machine. The pages of the
// space come from memory while their version (spaces.pages_version) is
// the one read last.
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
	b.Queue(linkTargetsSQL, p.ID).Query(func(rows pgx.Rows) (err error) {
		s.Links, err = scanLinkTargets(rows)
		return err
	})
	var version int64
	b.Queue(`SELECT pages_version FROM spaces WHERE id = $1`, p.SpaceID).QueryRow(func(row pgx.Row) error {
		return row.Scan(&version)
	})
	if err := st.pool.SendBatch(ctx, b).Close(); err != nil {
		return s, fmt.Errorf("surroundings of page %d: %w", p.ID, err)
	}
	// The tree and earlier versions of files need a second round trip,
	// the tree only when it changed since this process last read it.
	var err error
	if s.Tree, s.TreeVersion, err = st.treeAt(ctx, p.SpaceID, version); err != nil {
		return s, err
	}
	return s, st.addVersions(ctx, s.Attachments)
}

// treeAt is the page tree of a space at a version of its pages, or at
// the newer version it reads.
func (st *Store) treeAt(ctx context.Context, spaceID, version int64) ([]Node, int64, error) {
	if nodes, ok := st.trees.get(spaceID, version); ok {
		return nodes, version, nil
	}
	// Read the version again with the tree, in one snapshot: a change
	// between the two reads would otherwise store an old tree under a
	// new version.
	var nodes []Node
	err := pgx.BeginTxFunc(ctx, st.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT pages_version FROM spaces WHERE id = $1`, spaceID).Scan(&version); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, treeSQL, spaceID)
		var err error
		nodes, err = scanNodes(rows)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("page tree of space %d: %w", spaceID, err)
	}
	st.trees.put(spaceID, version, nodes)
	return nodes, version, nil
}

// treeCache keeps the page tree of each space at the version read last.
// The trees are shared: nobody changes a slice once stored.
type treeCache struct {
	mu    sync.Mutex
	trees map[int64]versionedTree
	nodes int // in all trees
}

type versionedTree struct {
	version int64
	nodes   []Node
}

// maxTreeNodes bounds the cache by the pages it holds, some 100 bytes
// each: about 20 MB.
const maxTreeNodes = 200_000

func (tc *treeCache) get(spaceID, version int64) ([]Node, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	t, ok := tc.trees[spaceID]
	return t.nodes, ok && t.version == version
}

func (tc *treeCache) put(spaceID, version int64, nodes []Node) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.trees == nil || tc.nodes+len(nodes) > maxTreeNodes {
		tc.trees, tc.nodes = map[int64]versionedTree{}, 0
	}
	tc.nodes += len(nodes) - len(tc.trees[spaceID].nodes)
	tc.trees[spaceID] = versionedTree{version, nodes}
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
