-- The search documents as PostgreSQL's own copy, for answering while
-- Meilisearch is away: the same documents the index holds (rendered text,
-- answers with their question, people with skills and unit, compound
-- parts and spellings without umlauts), so that filters and facets mean
-- the same in both, and one ranked query covers every type. The search
-- worker writes them from the outbox, independently of Meilisearch.
CREATE TABLE search_documents (
    id         text PRIMARY KEY,
    type       text NOT NULL,
    space_id   bigint NOT NULL,
    space      text NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL,
    topics     text[] NOT NULL DEFAULT '{}',
    status     text NOT NULL DEFAULT '',
    review_due bigint NOT NULL DEFAULT 0,
    url        text NOT NULL,
    updated_at bigint NOT NULL,
    vector     tsvector NOT NULL
);
CREATE INDEX search_documents_vector ON search_documents USING gin (vector);
CREATE INDEX search_documents_space ON search_documents (space_id);

-- Every word of the documents, for correcting typos in queries by
-- trigram similarity. Words are never removed: a stale word only leads
-- to a correction that finds nothing.
CREATE TABLE search_words (
    word text PRIMARY KEY
);
CREATE INDEX search_words_trgm ON search_words USING gin (word gin_trgm_ops);

-- What the copy has still to take: every outbox row, written by a trigger
-- so that no writer needs to know. A queue of its own rather than a column
-- of the outbox, so that the copy and the Meilisearch worker never wait
-- for or skip each other's locked rows.
CREATE TABLE search_copy_queue (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind    text NOT NULL,
    item_id bigint NOT NULL
);

CREATE FUNCTION queue_search_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_copy_queue (kind, item_id) SELECT kind, item_id FROM new_rows;
    RETURN NULL;
END $$;
CREATE TRIGGER search_outbox_copy AFTER INSERT ON search_outbox
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_search_copy();

-- Everything written before this migration is copied too.
INSERT INTO search_copy_queue (kind, item_id)
SELECT 'page', id FROM pages
UNION ALL SELECT 'question', id FROM questions
UNION ALL SELECT 'person', account_id FROM profiles;

-- The per-table vectors answered before the copy existed; nothing reads
-- them any more, and each write paid for them.
ALTER TABLE pages DROP COLUMN search_vector;
ALTER TABLE questions DROP COLUMN search_vector;
