package wiki

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/trash"
)

// pageSnapshot is a trashed page with everything below it. Incoming links
// are rows of the linking pages and stay where they are.
type pageSnapshot struct {
	Pages       json.RawMessage `json:"pages"`
	Revisions   json.RawMessage `json:"page_revisions"`
	Links       json.RawMessage `json:"page_links"`
	Redirects   json.RawMessage `json:"page_redirects"`
	Topics      json.RawMessage `json:"page_topics"`
	TopicSlugs  json.RawMessage `json:"topic_slugs"`
	Attachments json.RawMessage `json:"attachments"`
	Versions    json.RawMessage `json:"attachment_versions"`
	// Incoming are other rows' references to these pages that the
	// deletion empties (a question promoted to one, say).
	Incoming json.RawMessage `json:"incoming"`
}

// attachmentSnapshot is a trashed attachment with its earlier versions.
type attachmentSnapshot struct {
	Attachments json.RawMessage `json:"attachments"`
	Versions    json.RawMessage `json:"attachment_versions"`
}

// TrashPage moves a page with its subpages, revisions, attachments, links
// and topics into the space's trash.
// after, if any, runs once the page is in the trash.
func (st *Store) TrashPage(ctx context.Context, t *trash.Trash, p Page, by int64, after afterWrite) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var ids []int64
		err := tx.QueryRow(ctx, `WITH RECURSIVE below AS (
				SELECT id FROM pages WHERE id = $1
				UNION SELECT c.id FROM pages c JOIN below b ON c.parent_id = b.id)
			SELECT array_agg(id) FROM below`, p.ID).Scan(&ids)
		if err != nil {
			return fmt.Errorf("trash page: %w", err)
		}
		if len(ids) == 0 {
			return errs.E(errs.NotFound, "error.not_found")
		}
		var files [][]byte
		if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(DISTINCT sha256), '{}') FROM (
				SELECT sha256 FROM attachments WHERE page_id = ANY($1)
				UNION ALL SELECT v.sha256 FROM attachment_versions v JOIN attachments a ON a.id = v.attachment_id WHERE a.page_id = ANY($1)) f`,
			ids).Scan(&files); err != nil {
			return fmt.Errorf("trash page files: %w", err)
		}
		var snap pageSnapshot
		if snap.Incoming, err = trash.Incoming(ctx, tx, "pages", ids); err != nil {
			return err
		}
		if snap.TopicSlugs, err = trash.TopicSlugs(ctx, tx, "page_topics", "page_id", ids); err != nil {
			return err
		}
		steps := []struct {
			table, where string
			into         *json.RawMessage
		}{
			{"attachment_versions", "t.attachment_id IN (SELECT id FROM attachments WHERE page_id = ANY($1))", &snap.Versions},
			{"attachments", "t.page_id = ANY($1)", &snap.Attachments},
			{"page_topics", "t.page_id = ANY($1)", &snap.Topics},
			{"page_redirects", "t.page_id = ANY($1)", &snap.Redirects},
			{"page_links", "t.from_page_id = ANY($1)", &snap.Links},
			{"page_revisions", "t.page_id = ANY($1)", &snap.Revisions},
			{"pages", "t.id = ANY($1)", &snap.Pages},
		}
		for _, s := range steps {
			if *s.into, err = trash.Rows(ctx, tx, s.table, s.where, ids); err != nil {
				return err
			}
		}
		if err := search.Enqueue(ctx, tx, "page", ids...); err != nil {
			return err
		}
		if err := t.Put(ctx, tx, trash.Entry{SpaceID: p.SpaceID, Kind: trash.Page, ItemID: p.ID, Label: p.Title,
			Place: p.Slug, By: by, Snapshot: snap, Files: files, Subjects: ids}); err != nil {
			return err
		}
		// After Put, which forgets the events about the trashed pages:
		// this one says that they went.
		if after == nil {
			return nil
		}
		return after(ctx, tx, p, p.Body)
	})
}

// purgedPage lets links to pages gone for good fall back to the title or
// slug they name.
func purgedPage(ctx context.Context, tx pgx.Tx, snapshot json.RawMessage) error {
	var snap struct {
		Pages []struct {
			ID int64 `json:"id"`
		} `json:"pages"`
	}
	if err := json.Unmarshal(snapshot, &snap); err != nil {
		return fmt.Errorf("read purged page: %w", err)
	}
	ids := make([]int64, len(snap.Pages))
	for i, p := range snap.Pages {
		ids[i] = p.ID
	}
	return DetachIncoming(ctx, tx, ids)
}

// restorePage puts a trashed page back with its ids. A slug taken
// meanwhile gets a number; a parent that is gone makes it top-level.
func restorePage(ctx context.Context, tx pgx.Tx, it trash.Item) (string, error) {
	var snap pageSnapshot
	if err := json.Unmarshal(it.Snapshot, &snap); err != nil {
		return "", fmt.Errorf("read trashed page: %w", err)
	}
	var pages []map[string]any
	dec := json.NewDecoder(bytes.NewReader(snap.Pages))
	dec.UseNumber()
	if err := dec.Decode(&pages); err != nil {
		return "", fmt.Errorf("read trashed pages: %w", err)
	}
	number := func(v any) (int64, bool) {
		n, ok := v.(json.Number)
		if !ok {
			return 0, false
		}
		i, err := n.Int64()
		return i, err == nil
	}
	ids := make([]int64, 0, len(pages))
	inside := map[int64]bool{}
	for _, p := range pages {
		id, _ := number(p["id"])
		inside[id] = true
		ids = append(ids, id)
	}
	rootSlug := ""
	for _, p := range pages {
		if parent, ok := number(p["parent_id"]); ok && !inside[parent] {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pages WHERE id = $1 AND space_id = $2)`,
				parent, it.SpaceID).Scan(&exists); err != nil {
				return "", fmt.Errorf("restore page parent: %w", err)
			}
			if !exists {
				p["parent_id"] = nil
			}
		}
		slug, _ := p["slug"].(string)
		free, err := freeSlug(ctx, tx, it.SpaceID, slug, 0)
		if err != nil {
			return "", err
		}
		p["slug"] = free
		p["space_id"] = it.SpaceID
		if id, _ := number(p["id"]); id == it.ItemID {
			rootSlug = free
		}
	}
	rows, err := json.Marshal(pages)
	if err != nil {
		return "", err
	}
	if err := trash.ReinsertAll(ctx, tx,
		trash.Part{Table: "pages", Rows: rows},
		trash.Part{Table: "page_revisions", Rows: snap.Revisions},
		trash.Part{Table: "page_links", Rows: snap.Links, SkipConflicts: true},
		trash.Part{Table: "page_redirects", Rows: snap.Redirects, SkipConflicts: true},
		trash.Part{Table: "attachments", Rows: snap.Attachments},
		trash.Part{Table: "attachment_versions", Rows: snap.Versions},
	); err != nil {
		return "", err
	}
	if err := trash.ReinsertTopics(ctx, tx, "page_topics", "page_id", snap.Topics, snap.TopicSlugs); err != nil {
		return "", err
	}
	if err := trash.Reconnect(ctx, tx, snap.Incoming); err != nil {
		return "", err
	}
	// Links written while the pages were away name them by title.
	if err := ResolveIncoming(ctx, tx, ids); err != nil {
		return "", err
	}
	if err := search.Enqueue(ctx, tx, "page", ids...); err != nil {
		return "", err
	}
	var spaceSlug string
	if err := tx.QueryRow(ctx, `SELECT slug FROM spaces WHERE id = $1`, it.SpaceID).Scan(&spaceSlug); err != nil {
		return "", fmt.Errorf("restore page: space: %w", err)
	}
	return PageURL(spaceSlug, rootSlug), nil
}

// TrashAttachment moves an attachment of a page, with its earlier
// versions, into the space's trash.
func (st *Store) TrashAttachment(ctx context.Context, t *trash.Trash, p Page, id, by int64) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var name string
		var files [][]byte
		err := tx.QueryRow(ctx, `SELECT a.filename, array_agg(DISTINCT f.sha256) FROM attachments a
			JOIN LATERAL (SELECT a.sha256 UNION SELECT sha256 FROM attachment_versions WHERE attachment_id = a.id) f ON true
			WHERE a.id = $1 AND a.page_id = $2 GROUP BY a.filename`, id, p.ID).Scan(&name, &files)
		if err != nil {
			return postgres.Found(err, "trash attachment")
		}
		var snap attachmentSnapshot
		if snap.Versions, err = trash.Rows(ctx, tx, "attachment_versions", "t.attachment_id = $1", id); err != nil {
			return err
		}
		if snap.Attachments, err = trash.Rows(ctx, tx, "attachments", "t.id = $1", id); err != nil {
			return err
		}
		return t.Put(ctx, tx, trash.Entry{SpaceID: p.SpaceID, Kind: trash.Attachment, ItemID: id, Label: name,
			Place: p.Title, By: by, Snapshot: snap, Files: files})
	})
}

// moveTrashedAttachments moves the trashed attachments of pages moving to
// another space into that space's trash: its moderators answer for them
// now, and those of the old space may no longer read the pages.
func moveTrashedAttachments(ctx context.Context, tx pgx.Tx, pageIDs []int64, from, to int64) error {
	_, err := tx.Exec(ctx, `UPDATE trash SET space_id = $3 WHERE space_id = $2 AND kind = 'attachment'
		AND (snapshot -> 'attachments' -> 0 ->> 'page_id')::bigint = ANY($1)`, pageIDs, from, to)
	if err != nil {
		return fmt.Errorf("move trashed attachments: %w", err)
	}
	return nil
}

// restoreAttachment puts a trashed attachment back on its page, which must
// still exist in the entry's space and not have another file of the same
// name meanwhile.
func restoreAttachment(ctx context.Context, tx pgx.Tx, it trash.Item) (string, error) {
	var snap attachmentSnapshot
	att, err := trash.Unpack[struct {
		PageID   int64  `json:"page_id"`
		Filename string `json:"filename"`
	}](it, &snap, func() json.RawMessage { return snap.Attachments }, "attachment")
	if err != nil {
		return "", err
	}
	var spaceSlug, slug string
	var spaceID int64
	var taken bool
	err = tx.QueryRow(ctx, `SELECT p.space_id, s.slug, p.slug, EXISTS (SELECT 1 FROM attachments WHERE page_id = p.id AND filename = $2)
		FROM pages p JOIN spaces s ON s.id = p.space_id WHERE p.id = $1`,
		att.PageID, att.Filename).Scan(&spaceID, &spaceSlug, &slug, &taken)
	if err == pgx.ErrNoRows {
		return "", errs.E(errs.Conflict, "trash.page_gone")
	}
	if err != nil {
		return "", fmt.Errorf("restore attachment: %w", err)
	}
	// Nothing is put into a space the entry does not belong to: its
	// moderators may not be able to read it.
	if spaceID != it.SpaceID {
		return "", errs.E(errs.Conflict, "trash.page_elsewhere")
	}
	if taken {
		return "", errs.E(errs.Conflict, "trash.name_taken", "Name", att.Filename)
	}
	if err := trash.ReinsertAll(ctx, tx, trash.Part{Table: "attachments", Rows: snap.Attachments},
		trash.Part{Table: "attachment_versions", Rows: snap.Versions}); err != nil {
		return "", err
	}
	return PageURL(spaceSlug, slug) + "#anhaenge", nil
}

// Unused reports which of the contents nothing refers to any more: no
// attachment, no earlier version, no trash entry.
func (st *Store) Unused(ctx context.Context, files [][]byte) ([][]byte, error) {
	rows, _ := st.pool.Query(ctx, `SELECT DISTINCT f FROM unnest($1::bytea[]) f
		WHERE NOT EXISTS (SELECT 1 FROM attachments WHERE sha256 = f)
		  AND NOT EXISTS (SELECT 1 FROM attachment_versions WHERE sha256 = f)
		  AND NOT EXISTS (SELECT 1 FROM trash WHERE files @> ARRAY[f])
		  AND NOT EXISTS (SELECT 1 FROM draft_files WHERE sha256 = f AND draft_id IS NOT NULL)
		  AND NOT EXISTS (SELECT 1 FROM mail_draft_files WHERE sha256 = f AND draft_id IS NOT NULL)
		  AND NOT EXISTS (SELECT 1 FROM question_files WHERE sha256 = f)`, files)
	return postgres.Values[[]byte](rows, "unused attachment contents")
}
