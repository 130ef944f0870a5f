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

ALTER TABLE search_outbox ADD COLUMN mirrored_at timestamptz;
CREATE INDEX search_outbox_unmirrored ON search_outbox (id) WHERE mirrored_at IS NULL;

-- Everything written before this migration is copied too; Meilisearch
-- has it already.
INSERT INTO search_outbox (kind, item_id, processed_at)
SELECT 'page', id, now() FROM pages
UNION ALL SELECT 'question', id, now() FROM questions
UNION ALL SELECT 'person', account_id, now() FROM profiles;
