package wiki

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// SpacePages loads every page of a space at its newest revision, for an
// export.
func (st *Store) SpacePages(ctx context.Context, spaceID int64) ([]Page, error) {
	rows, _ := st.pool.Query(ctx, `SELECT `+pageColumns+pageFrom+`WHERE p.space_id = $1 ORDER BY p.id`, spaceID)
	return postgres.All[Page](rows, "pages of space")
}

// HasPages reports whether a space holds any page (the trash aside).
func (st *Store) HasPages(ctx context.Context, spaceID int64) (bool, error) {
	return hasPages(ctx, st.pool, spaceID)
}

func hasPages(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}, spaceID int64) (bool, error) {
	return postgres.Value[bool](q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pages WHERE space_id = $1)`, spaceID), "space has pages")
}

// ExportAttachments lists the current files of pages, by page, each
// page's by name.
func (st *Store) ExportAttachments(ctx context.Context, pageIDs []int64) (map[int64][]Attachment, error) {
	rows, _ := st.pool.Query(ctx, `SELECT id, page_id, filename, content_type, size, sha256, uploaded_by, created_at
		FROM attachments WHERE page_id = ANY($1) ORDER BY page_id, lower(filename)`, pageIDs)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Attachment])
	if err != nil {
		return nil, fmt.Errorf("attachments of pages: %w", err)
	}
	out := map[int64][]Attachment{}
	for _, a := range list {
		out[a.PageID] = append(out[a.PageID], a)
	}
	return out, nil
}

// ExportTopics lists the topic names of pages, by page, each page's by
// name.
func (st *Store) ExportTopics(ctx context.Context, pageIDs []int64) (map[int64][]string, error) {
	rows, _ := st.pool.Query(ctx, `SELECT pt.page_id, t.name FROM page_topics pt JOIN topics t ON t.id = pt.topic_id
		WHERE pt.page_id = ANY($1) ORDER BY pt.page_id, t.name`, pageIDs)
	out := map[int64][]string{}
	var id int64
	var name string
	_, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error {
		out[id] = append(out[id], name)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("topics of pages: %w", err)
	}
	return out, nil
}

// ExportLinkTargets are the pages the stored links of pages point at
// now, by page and by the link as written (see LinkTargets).
func (st *Store) ExportLinkTargets(ctx context.Context, pageIDs []int64) (map[int64]map[LinkKey]PageRef, error) {
	rows, _ := st.pool.Query(ctx, `SELECT l.from_page_id, l.to_space::text, l.to_key, p.id, p.space_id, s.slug::text, p.slug::text, p.title
		FROM page_links l JOIN pages p ON p.id = l.to_page_id JOIN spaces s ON s.id = p.space_id
		WHERE l.from_page_id = ANY($1)`, pageIDs)
	out := map[int64]map[LinkKey]PageRef{}
	var from int64
	var k LinkKey
	var r PageRef
	_, err := pgx.ForEachRow(rows, []any{&from, &k.Space, &k.Key, &r.ID, &r.SpaceID, &r.SpaceSlug, &r.Slug, &r.Title}, func() error {
		if out[from] == nil {
			out[from] = map[LinkKey]PageRef{}
		}
		out[from][k] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("link targets of pages: %w", err)
	}
	return out, nil
}

// Handles maps accounts to their handles.
func (st *Store) Handles(ctx context.Context, ids []int64) (map[int64]string, error) {
	rows, _ := st.pool.Query(ctx, `SELECT id, handle FROM accounts WHERE id = ANY($1)`, ids)
	return postgres.Map[int64, string](rows, "handles")
}
