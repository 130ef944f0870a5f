package wiki

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Links are stored as written (the target space's slug and a key: the
// lower-case title or a slug) and, once the target exists, with its page id.
// The id is what counts from then on: a rename or move of the target keeps
// the link. While the target is away (in the trash) the id stays and reads
// ignore it; the key serves links whose target does not exist yet or is
// gone for good; they resolve when a page with that title or slug appears.

// resolveByKey sets the target of unresolved link rows that match the
// filter (an SQL condition on l2, the link, and c.page_id, the candidate).
// A title wins over a slug, a page's present slug over an old address of
// a moved page, an older page over a newer one.
const resolveByKey = `UPDATE page_links l SET to_page_id = m.page_id
	FROM (
		SELECT DISTINCT ON (l2.from_page_id, l2.to_space, l2.to_key) l2.from_page_id, l2.to_space, l2.to_key, c.page_id
		FROM page_links l2
		JOIN spaces s ON s.slug = l2.to_space
		CROSS JOIN LATERAL (
			SELECT p.id AS page_id, 1 AS rank FROM pages p WHERE p.space_id = s.id AND lower(p.title) = l2.to_key
			UNION ALL SELECT p.id, 2 FROM pages p WHERE p.space_id = s.id AND p.slug = l2.to_key::citext
			UNION ALL SELECT r.page_id, 3 FROM page_redirects r WHERE r.space_id = s.id AND r.slug = l2.to_key::citext
		) c
		WHERE l2.to_page_id IS NULL AND `

const resolveByKeyEnd = `
		ORDER BY l2.from_page_id, l2.to_space, l2.to_key, c.rank, c.page_id
	) m
	WHERE l.from_page_id = m.from_page_id AND l.to_space = m.to_space AND l.to_key = m.to_key`

// writeLinks makes a page's stored outgoing links those of its new text.
// Links it had before keep their target, so that a link to a page renamed
// since still points at it when the linking page is saved again.
func writeLinks(ctx context.Context, tx pgx.Tx, pageID int64, links []LinkKey) error {
	spaces, keys := make([]string, len(links)), make([]string, len(links))
	for i, l := range links {
		spaces[i], keys[i] = l.Space, l.Key
	}
	if _, err := tx.Exec(ctx, `DELETE FROM page_links l WHERE l.from_page_id = $1 AND NOT EXISTS (
			SELECT 1 FROM unnest($2::text[], $3::text[]) n(s, k) WHERE n.s::citext = l.to_space AND n.k = l.to_key)`,
		pageID, spaces, keys); err != nil {
		return fmt.Errorf("clear links: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO page_links (from_page_id, to_space, to_key)
			SELECT $1, s, k FROM unnest($2::text[], $3::text[]) n(s, k) ON CONFLICT DO NOTHING`, pageID, spaces, keys); err != nil {
		return fmt.Errorf("store links: %w", err)
	}
	if _, err := tx.Exec(ctx, resolveByKey+`l2.from_page_id = $1`+resolveByKeyEnd, pageID); err != nil {
		return fmt.Errorf("resolve links: %w", err)
	}
	return nil
}

// ResolveIncoming points the unresolved links that name one of the pages
// (by title, slug or old address) at it. It runs in the transaction that
// makes the pages reachable: creating, renaming or moving them, and
// restoring them from the trash (for links written while they were away;
// the links that had their id have it still).
func ResolveIncoming(ctx context.Context, tx pgx.Tx, pageIDs []int64) error {
	if _, err := tx.Exec(ctx, resolveByKey+`c.page_id = ANY($1)`+resolveByKeyEnd, pageIDs); err != nil {
		return fmt.Errorf("resolve incoming links: %w", err)
	}
	return nil
}

// DetachIncoming lets go of the pages as link targets, for pages gone for
// good (purged from the trash): the links to them fall back to what they
// name, and point at another page with that title or slug if there is one.
// A page merely in the trash keeps its links; restoring it under its id
// brings them back.
func DetachIncoming(ctx context.Context, tx pgx.Tx, pageIDs []int64) error {
	rows, err := tx.Query(ctx, `UPDATE page_links SET to_page_id = NULL WHERE to_page_id = ANY($1) RETURNING from_page_id`, pageIDs)
	if err != nil {
		return fmt.Errorf("detach incoming links: %w", err)
	}
	from, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("detach incoming links: %w", err)
	}
	if _, err := tx.Exec(ctx, resolveByKey+`l2.from_page_id = ANY($1)`+resolveByKeyEnd, from); err != nil {
		return fmt.Errorf("resolve links: %w", err)
	}
	return nil
}

// relinkMoved follows pages that moved from one space into another: links
// they wrote without a space meant their own space and now mean the new
// one (their resolved targets stay); unresolved links anywhere that name
// them in the new space resolve to them.
func relinkMoved(ctx context.Context, tx pgx.Tx, pageIDs []int64, fromSpaceID, toSpaceID int64) error {
	var from, to string
	if err := tx.QueryRow(ctx, `SELECT (SELECT slug::text FROM spaces WHERE id = $1), (SELECT slug::text FROM spaces WHERE id = $2)`,
		fromSpaceID, toSpaceID).Scan(&from, &to); err != nil {
		return fmt.Errorf("move links: %w", err)
	}
	// A link written both ways ([[T]] and [[new:T]]) is one link in the new
	// space.
	if _, err := tx.Exec(ctx, `DELETE FROM page_links l WHERE l.from_page_id = ANY($1) AND l.to_space = $2::citext
			AND EXISTS (SELECT 1 FROM page_links o WHERE o.from_page_id = l.from_page_id AND o.to_space = $3::citext AND o.to_key = l.to_key)`,
		pageIDs, from, to); err != nil {
		return fmt.Errorf("move links: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE page_links SET to_space = $3 WHERE from_page_id = ANY($1) AND to_space = $2::citext`,
		pageIDs, from, to); err != nil {
		return fmt.Errorf("move links: %w", err)
	}
	if _, err := tx.Exec(ctx, resolveByKey+`l2.from_page_id = ANY($1)`+resolveByKeyEnd, pageIDs); err != nil {
		return fmt.Errorf("resolve links: %w", err)
	}
	return ResolveIncoming(ctx, tx, pageIDs)
}

// LinkTargets are the pages a page's stored links point at now, by the
// link as written (space defaulted, key lower-case).
func (st *Store) LinkTargets(ctx context.Context, pageID int64) (map[LinkKey]PageRef, error) {
	rows, err := st.pool.Query(ctx, linkTargetsSQL, pageID)
	if err != nil {
		return nil, fmt.Errorf("link targets: %w", err)
	}
	return scanLinkTargets(rows)
}

func scanLinkTargets(rows pgx.Rows) (map[LinkKey]PageRef, error) {
	defer rows.Close()
	out := map[LinkKey]PageRef{}
	for rows.Next() {
		var k LinkKey
		var r PageRef
		if err := rows.Scan(&k.Space, &k.Key, &r.ID, &r.SpaceID, &r.SpaceSlug, &r.Slug, &r.Title); err != nil {
			return nil, fmt.Errorf("link targets: %w", err)
		}
		out[k] = r
	}
	return out, rows.Err()
}

// Backlinks lists the pages that link to p, in the spaces given: by id,
// and by key where a link has no target that is there (saved while p was
// being created, or its target is in the trash), as rendering finds it.
func (st *Store) Backlinks(ctx context.Context, p Page, readable []int64) ([]PageRef, error) {
	rows, _ := st.pool.Query(ctx, backlinksSQL, p.ID, readable, p.SpaceSlug, p.Title, p.Slug)
	return postgres.All[PageRef](rows, "backlinks")
}

// FindByKeys resolves link keys (lower-case titles or slugs) in one space
// to the slugs of the pages they name; keys without a page are absent.
func (st *Store) FindByKeys(ctx context.Context, spaceSlug string, keys []string) (map[string]string, error) {
	rows, err := st.pool.Query(ctx, `SELECT k, p.slug FROM unnest($2::text[]) k
		JOIN spaces s ON s.slug = $1
		JOIN pages p ON p.space_id = s.id AND (lower(p.title) = k OR p.slug = k::citext)`, spaceSlug, keys)
	if err != nil {
		return nil, fmt.Errorf("resolve links: %w", err)
	}
	defer rows.Close()
	found := map[string]string{}
	for rows.Next() {
		var k, slug string
		if err := rows.Scan(&k, &slug); err != nil {
			return nil, err
		}
		found[k] = slug
	}
	return found, rows.Err()
}
