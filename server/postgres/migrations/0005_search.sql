-- The search outbox: every change to searchable content adds a row in the
-- same transaction; a worker sends the changed items to Meilisearch and
-- marks the rows processed only after Meilisearch confirmed them.
-- Processed rows stay for an hour, so that a full reindex can replay what
-- changed while it ran.
CREATE TABLE search_outbox (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL,
    item_id      bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz
);
CREATE INDEX search_outbox_pending ON search_outbox (id) WHERE processed_at IS NULL;
CREATE INDEX search_outbox_created ON search_outbox (created_at);

CREATE FUNCTION notify_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fachnetz_search', '');
    RETURN NULL;
END $$;
CREATE TRIGGER search_outbox_notify AFTER INSERT ON search_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION notify_search();

-- PostgreSQL's own full-text search, used while Meilisearch is away.
ALTER TABLE pages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('german', title), 'A') || setweight(to_tsvector('german', body), 'B')
) STORED;
CREATE INDEX pages_search ON pages USING gin (search_vector);

-- Pages written before this migration go into the index too.
INSERT INTO search_outbox (kind, item_id) SELECT 'page', id FROM pages;
