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
	*search.TextSource
	md *markdown.Renderer
}

// NewSearchSource returns the pages' search source.
func NewSearchSource(store *Store, md *markdown.Renderer, fileNumbers search.FileNumbersOf) *SearchSource {
	src := &SearchSource{md: md}
	src.TextSource = search.NewTextSource(store.pool, search.DocumentQuery{Kind: "page", Select: docQuery, ID: "p.id",
		Count: `SELECT count(*) FROM pages`, Read: src.documents, Table: "pages",
		Topics: pageTagging.Tagged(store.pool),
	}, fileNumbers)
	return src
}

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
	sets := src.Sets()
	for _, p := range pages {
		// The rendered text, not the source: Markdown syntax and link
		// brackets would only add noise to matches and snippets.
		files, err := sets.Of(ctx, p.AgencyID)
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

// FileNumberTexts are the file numbers as written.
func FileNumberTexts(found []markdown.FileNumber) []string {
	out := make([]string, len(found))
	for i, f := range found {
		out[i] = f.Text
	}
	return out
}
