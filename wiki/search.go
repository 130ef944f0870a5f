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
}

// NewSearchSource returns the pages' search source.
func NewSearchSource(store *Store, md *markdown.Renderer) *SearchSource {
	return &SearchSource{store: store, md: md}
}

// Kind is "page".
func (*SearchSource) Kind() string { return "page" }

type pageDoc struct {
	Page
	Topics []string `db:"topics"`
}

const docQuery = `SELECT ` + pageColumns + `,
	array(SELECT t.name FROM page_topics pt JOIN topics t ON t.id = pt.topic_id WHERE pt.page_id = p.id ORDER BY t.name) AS topics` + pageFrom

func (src *SearchSource) documents(rows pgx.Rows) ([]search.Document, error) {
	pages, err := pgx.CollectRows(rows, pgx.RowToStructByName[pageDoc])
	if err != nil {
		return nil, fmt.Errorf("load pages for search: %w", err)
	}
	docs := make([]search.Document, 0, len(pages))
	for _, p := range pages {
		// The rendered text, not the source: Markdown syntax and link
		// brackets would only add noise to matches and snippets.
		res, err := src.md.Render(p.Body, markdown.Options{CurrentSpace: p.SpaceSlug})
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
			UpdatedAt: p.UpdatedAt.Unix(), ReviewDue: due,
		})
	}
	return docs, nil
}

// Documents loads the pages of ids.
func (src *SearchSource) Documents(ctx context.Context, ids []int64) ([]search.Document, error) {
	rows, _ := src.store.pool.Query(ctx, docQuery+`WHERE p.id = ANY($1)`, ids)
	return src.documents(rows)
}

// Each hands over all pages in batches, by id.
func (src *SearchSource) Each(ctx context.Context, size int, fn func([]search.Document) error) error {
	var after int64
	for {
		rows, _ := src.store.pool.Query(ctx, docQuery+`WHERE p.id > $1 ORDER BY p.id LIMIT $2`, after, size)
		docs, err := src.documents(rows)
		if err != nil {
			return err
		}
		if len(docs) == 0 {
			return nil
		}
		if err := fn(docs); err != nil {
			return err
		}
		var last int64
		fmt.Sscanf(docs[len(docs)-1].ID, "page-%d", &last)
		after = last
	}
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
