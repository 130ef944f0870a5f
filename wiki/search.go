package wiki

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/search"
)

// SearchSource makes the wiki's pages findable.
type SearchSource struct {
	store *Store
	md    *markdown.Renderer
	// FileNumbers returns the file-number patterns of an agency, whose
	// matches are indexed as typed. Nil: none.
	FileNumbers func(ctx context.Context, agencyID int64) (*markdown.FileNumbers, error)
}

// NewSearchSource returns the pages' search source.
func NewSearchSource(store *Store, md *markdown.Renderer) *SearchSource {
	return &SearchSource{store: store, md: md}
}

// Kind is "page".
func (*SearchSource) Kind() string { return "page" }

type pageDoc struct {
	Page
	AgencyID int64    `db:"agency_id"`
	Topics   []string `db:"topics"`
}

const docQuery = `SELECT ` + pageColumns + `, s.agency_id,
	array(SELECT t.name FROM page_topics pt JOIN topics t ON t.id = pt.topic_id WHERE pt.page_id = p.id ORDER BY t.name) AS topics` + pageFrom

func (src *SearchSource) documents(ctx context.Context, rows pgx.Rows) ([]search.Document, error) {
	pages, err := pgx.CollectRows(rows, pgx.RowToStructByName[pageDoc])
	if err != nil {
		return nil, fmt.Errorf("load pages for search: %w", err)
	}
	docs := make([]search.Document, 0, len(pages))
	sets := map[int64]*markdown.FileNumbers{}
	for _, p := range pages {
		// The rendered text, not the source: Markdown syntax and link
		// brackets would only add noise to matches and snippets.
		files, err := fileNumbersOf(ctx, src.FileNumbers, sets, p.AgencyID)
		if err != nil {
			return nil, err
		}
		res, err := src.md.Render(p.Body, markdown.Options{CurrentSpace: p.SpaceSlug, FileNumbers: files})
		if err != nil {
			return nil, err
		}
		headings := make([]string, len(res.Headings))
		for i, h := range res.Headings {
			headings[i] = h.Text
		}
		var due int64
		if d := p.ReviewDue(); d != nil {
			due = d.Unix()
		}
		docs = append(docs, search.Document{
			ID: search.DocumentID("page", p.ID), Type: "page", SpaceID: p.SpaceID, Space: p.SpaceSlug,
			Title: p.Title, Headings: headings, Body: res.Text, Topics: p.Topics, URL: PageURL(p.SpaceSlug, p.Slug),
			UpdatedAt: p.UpdatedAt.Unix(), ReviewDue: due, FileNumbers: search.FileNumberKeys(append(FileNumberTexts(files.Find(p.Title)), FileNumberTexts(res.FileNumbers)...)),
		})
	}
	return docs, nil
}

// Documents loads the pages of ids.
func (src *SearchSource) Documents(ctx context.Context, ids []int64) ([]search.Document, error) {
	rows, _ := src.store.pool.Query(ctx, docQuery+`WHERE p.id = ANY($1)`, ids)
	return src.documents(ctx, rows)
}

// Each hands over all pages in batches, by id.
func (src *SearchSource) Each(ctx context.Context, size int, fn func([]search.Document) error) error {
	return search.EachAfter(ctx, "page", size, func(ctx context.Context, after int64, size int) ([]search.Document, error) {
		rows, _ := src.store.pool.Query(ctx, docQuery+`WHERE p.id > $1 ORDER BY p.id LIMIT $2`, after, size)
		return src.documents(ctx, rows)
	}, fn)
}

// Count is the number of pages.
func (src *SearchSource) Count(ctx context.Context) (int, error) {
	var n int
	err := src.store.pool.QueryRow(ctx, `SELECT count(*) FROM pages`).Scan(&n)
	return n, err
}

// EnqueueTopicPages puts the pages tagged with the topics into the search
// outbox, in the transaction that renamed, moved or merged them.
func EnqueueTopicPages(ctx context.Context, tx pgx.Tx, topicIDs []int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO search_outbox (kind, item_id) SELECT DISTINCT 'page', page_id FROM page_topics WHERE topic_id = ANY($1)`, topicIDs)
	return err
}

// fileNumbersOf asks for the patterns of an agency, once per batch in
// sets, none without fn.
func fileNumbersOf(ctx context.Context, fn func(context.Context, int64) (*markdown.FileNumbers, error), sets map[int64]*markdown.FileNumbers,
	agencyID int64,
) (*markdown.FileNumbers, error) {
	if set, ok := sets[agencyID]; ok || fn == nil {
		return set, nil
	}
	set, err := fn(ctx, agencyID)
	sets[agencyID] = set
	return set, err
}

// FileNumberTexts are the file numbers as written.
func FileNumberTexts(found []markdown.FileNumber) []string {
	out := make([]string, len(found))
	for i, f := range found {
		out[i] = f.Text
	}
	return out
}

// EnqueueAgencyPages puts the pages of an agency's spaces into the search
// outbox, in the transaction that changed its file-number patterns.
func EnqueueAgencyPages(ctx context.Context, tx pgx.Tx, agencyID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO search_outbox (kind, item_id)
		SELECT 'page', p.id FROM pages p JOIN spaces s ON s.id = p.space_id WHERE s.agency_id = $1`, agencyID)
	if err != nil {
		return fmt.Errorf("queue the pages of agency %d for search: %w", agencyID, err)
	}
	return nil
}
