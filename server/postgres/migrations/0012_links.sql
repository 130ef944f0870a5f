-- Links point at page ids once their target exists, so that renaming or
-- moving a page keeps every link to it working. to_space and to_key stay as
-- written: a link whose target does not exist yet is resolved by them when
-- a page with that title or slug appears.
--
-- to_page_id has no foreign key on purpose: a page in the trash is not in
-- pages, and the links to it must keep its id so that they point at it
-- again when it is restored under that id (ids are never reused). Reads
-- join pages, so a link to a page that is not there reads as unresolved;
-- purging a page for good unsets the id (wiki.DetachIncoming).
ALTER TABLE page_links ADD COLUMN to_page_id bigint;
CREATE INDEX page_links_to_page ON page_links (to_page_id);

-- The links stored so far, resolved as they were read until now: a title
-- before a slug, a page's present slug before an old address of a moved one.
UPDATE page_links l SET to_page_id = m.page_id
FROM (
    SELECT DISTINCT ON (l2.from_page_id, l2.to_space, l2.to_key) l2.from_page_id, l2.to_space, l2.to_key, c.page_id
    FROM page_links l2
    JOIN spaces s ON s.slug = l2.to_space
    CROSS JOIN LATERAL (
        SELECT p.id AS page_id, 1 AS rank FROM pages p WHERE p.space_id = s.id AND lower(p.title) = l2.to_key
        UNION ALL SELECT p.id, 2 FROM pages p WHERE p.space_id = s.id AND p.slug = l2.to_key::citext
        UNION ALL SELECT r.page_id, 3 FROM page_redirects r WHERE r.space_id = s.id AND r.slug = l2.to_key::citext
    ) c
    ORDER BY l2.from_page_id, l2.to_space, l2.to_key, c.rank, c.page_id
) m
WHERE l.from_page_id = m.from_page_id AND l.to_space = m.to_space AND l.to_key = m.to_key;
