-- A space's pages_version changes whenever one of its pages appears, goes,
-- moves or is renamed, so that the page tree shown beside every page can
-- be kept in memory and read again only when it changed
-- (wiki.Store.Surroundings), in every server of the instance. Statement
-- triggers: a bulk load of pages bumps each space once, not once a page.
-- The versions come from one sequence, never from adding one: a database
-- restored under running servers must not bring back a version a server
-- holds for another tree.
CREATE SEQUENCE pages_version_seq;
ALTER TABLE spaces ADD COLUMN pages_version bigint NOT NULL DEFAULT nextval('pages_version_seq');

CREATE FUNCTION pages_version_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE spaces SET pages_version = nextval('pages_version_seq') WHERE id IN (SELECT space_id FROM new_pages);
    RETURN NULL;
END $$;

CREATE FUNCTION pages_version_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE spaces SET pages_version = nextval('pages_version_seq') WHERE id IN (SELECT space_id FROM old_pages);
    RETURN NULL;
END $$;

-- An edit of a page's text leaves the tree as it is and the version too.
CREATE FUNCTION pages_version_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE spaces SET pages_version = nextval('pages_version_seq') WHERE id IN (
        SELECT unnest(ARRAY[o.space_id, n.space_id]) FROM old_pages o JOIN new_pages n ON n.id = o.id
        WHERE (o.space_id, o.slug, o.title, o.parent_id, o.is_template)
              IS DISTINCT FROM (n.space_id, n.slug, n.title, n.parent_id, n.is_template));
    RETURN NULL;
END $$;

CREATE TRIGGER pages_version_inserted AFTER INSERT ON pages REFERENCING NEW TABLE AS new_pages
    FOR EACH STATEMENT EXECUTE FUNCTION pages_version_inserted();
CREATE TRIGGER pages_version_deleted AFTER DELETE ON pages REFERENCING OLD TABLE AS old_pages
    FOR EACH STATEMENT EXECUTE FUNCTION pages_version_deleted();
CREATE TRIGGER pages_version_updated AFTER UPDATE ON pages REFERENCING OLD TABLE AS old_pages NEW TABLE AS new_pages
    FOR EACH STATEMENT EXECUTE FUNCTION pages_version_updated();
