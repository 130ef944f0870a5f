-- The one topic tree of the instance, shared by wiki pages, questions and
-- skills, and the glossary. Both are curated by knowledge managers.

CREATE TABLE topics (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The slug never changes after creation (renaming keeps it), so that
    -- links keep working; a merged topic's slug lives on in topic_redirects.
    slug        citext NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100 AND name = btrim(name)),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    -- NULL: top level. No cascade: a topic with children cannot vanish and
    -- take them along; children are moved (merge) first.
    parent_id   bigint REFERENCES topics CHECK (parent_id <> id),
    -- Proposed by a member while tagging content and not yet sorted into
    -- the tree by a knowledge manager.
    unsorted    boolean NOT NULL DEFAULT false,
    -- Who proposed an unsorted topic, so knowledge managers can ask them;
    -- forgotten with the account.
    proposed_by bigint REFERENCES accounts ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX topics_parent ON topics (parent_id);
-- The knowledge managers' queue.
CREATE INDEX topics_unsorted ON topics (id) WHERE unsorted;
CREATE INDEX topics_proposed_by ON topics (proposed_by) WHERE proposed_by IS NOT NULL;

-- Every name and synonym of every topic, in one table so that one unique
-- key makes a label unambiguous across the whole tree, case-insensitively:
-- tagging content by a typed name must find exactly one topic.
CREATE TABLE topic_labels (
    label    citext PRIMARY KEY CHECK (length(label) BETWEEN 1 AND 100 AND label = btrim(label)),
    topic_id bigint NOT NULL REFERENCES topics ON DELETE CASCADE,
    -- The row that mirrors topics.name (kept by the trigger below); the
    -- others are synonyms.
    is_name  boolean NOT NULL DEFAULT false,
    -- Lower case with umlauts and ß spelled out, for autocomplete that finds
    -- "Ärger" when someone types "aerger" (and the other way round).
    fold     text GENERATED ALWAYS AS (
        replace(replace(replace(replace(lower(label::text), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss')
    ) STORED
);
CREATE UNIQUE INDEX topic_labels_one_name ON topic_labels (topic_id) WHERE is_name;
CREATE INDEX topic_labels_topic ON topic_labels (topic_id);
-- Prefix search (LIKE 'abc%') for autocomplete.
CREATE INDEX topic_labels_fold ON topic_labels (fold text_pattern_ops);

-- A trigger, not application code, keeps the name's label in step with
-- topics.name, so that no writer (web, API, seed, import) can forget it. A
-- rename onto one of the topic's own synonyms turns that synonym into the
-- name; a rename onto another topic's label fails on topic_labels_pkey.
CREATE FUNCTION topics_name_label() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.name IS NOT DISTINCT FROM OLD.name THEN
        RETURN NULL;
    END IF;
    DELETE FROM topic_labels WHERE topic_id = NEW.id AND (is_name OR label = NEW.name::citext);
    INSERT INTO topic_labels (label, topic_id, is_name) VALUES (NEW.name, NEW.id, true);
    RETURN NULL;
END $$;
CREATE TRIGGER topics_name_label AFTER INSERT OR UPDATE OF name ON topics
    FOR EACH ROW EXECUTE FUNCTION topics_name_label();

-- Slugs of topics merged into another; /themen/<old> redirects to the
-- survivor. Removed with the survivor.
CREATE TABLE topic_redirects (
    slug     citext PRIMARY KEY,
    topic_id bigint NOT NULL REFERENCES topics ON DELETE CASCADE
);
CREATE INDEX topic_redirects_topic ON topic_redirects (topic_id);

-- The glossary. The slug is the anchor wiki pages link to
-- (/glossar#<slug>) and stays when the term is edited.
CREATE TABLE glossary_terms (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug          citext NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    term          text NOT NULL CHECK (length(term) BETWEEN 1 AND 200 AND term = btrim(term)),
    definition    text NOT NULL CHECK (length(definition) BETWEEN 1 AND 2000),
    abbreviations text[] NOT NULL DEFAULT '{}' CHECK (cardinality(abbreviations) <= 20),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- One entry per term, whatever its capitalisation.
CREATE UNIQUE INDEX glossary_terms_term ON glossary_terms (lower(term));

-- Every server process caches the glossary (the wiki renders each page with
-- it); a change tells them all to drop their copy. Delivered on commit.
CREATE FUNCTION notify_glossary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fachnetz_glossary', '');
    RETURN NULL;
END $$;
CREATE TRIGGER glossary_terms_notify AFTER INSERT OR UPDATE OR DELETE ON glossary_terms
    FOR EACH STATEMENT EXECUTE FUNCTION notify_glossary();
