-- The items the expert ranking derives expertise from, one row per person,
-- topic and item: an answer accepted or rated above zero (from when it was
-- written), a page the person wrote a revision of or owns, not a template
-- (from its last change). The expert box of every question page asked for
-- them by joining questions, answers, pages and their revisions per
-- request; read from here they come from one index alone.
--
-- Nothing but the triggers below writes the table. They recompute every
-- row of a question or a page whenever anything the rows are made of
-- changes, whoever changes it (web, API, import, trash and its restore,
-- purge, moving between spaces, merging topics, erasing an account), so
-- that no writer can forget it. Who may see the evidence (consent, hidden
-- profiles and topics, readable spaces, agency) is not stored: the
-- ranking applies it live, on every query.
CREATE TABLE evidence_items (
    -- Erasing the account removes its rows.
    account_id  bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    topic_id    bigint NOT NULL,
    space_id    bigint NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('accepted', 'answer', 'page')),
    at          timestamptz NOT NULL,
    -- The question and answer of an answer's row; the page of a page's.
    question_id bigint,
    answer_id   bigint,
    page_id     bigint,
    CHECK (CASE WHEN kind = 'page' THEN page_id IS NOT NULL AND question_id IS NULL AND answer_id IS NULL
                ELSE page_id IS NULL AND question_id IS NOT NULL AND answer_id IS NOT NULL END)
);
-- The expert box: the items of some topics in the readable spaces, with
-- everything the ranking sums up, from the index alone. The space is
-- included rather than a second key: with it as a key, PostgreSQL descends
-- the index once for every pair of topic and readable space (a hundred
-- spaces and more), some thirty times the pages read for all the entries
-- of the topics.
CREATE INDEX evidence_items_topic ON evidence_items (topic_id) INCLUDE (space_id, account_id, kind, at);
-- A profile and its preview: the items of one person.
CREATE INDEX evidence_items_account ON evidence_items (account_id) INCLUDE (topic_id, space_id, kind, at);
CREATE UNIQUE INDEX evidence_items_answer ON evidence_items (question_id, answer_id, topic_id) WHERE question_id IS NOT NULL;
CREATE UNIQUE INDEX evidence_items_page ON evidence_items (page_id, topic_id, account_id) WHERE page_id IS NOT NULL;

-- Recomputing an item waits for any other transaction recomputing the same
-- one, and then reads what that one committed: without it, two writers
-- changing different inputs of one page at once (a revision, a topic)
-- would each write rows without the other's change. The locks are taken
-- per bucket of ids, in order, so that a bulk write (a restore, a deleted
-- space) holds a bounded number of them.
CREATE FUNCTION evidence_lock(what text, ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('fachnetz evidence ' || what), b)
    FROM (SELECT DISTINCT (id % 256)::int AS b FROM unnest(ids) id ORDER BY 1) s;
END $$;

CREATE FUNCTION evidence_of_questions(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM evidence_lock('question', ids);
    DELETE FROM evidence_items WHERE question_id IN (SELECT unnest(ids));
    -- An answer without author (erased) counts for nobody.
    INSERT INTO evidence_items (account_id, topic_id, space_id, kind, at, question_id, answer_id)
    SELECT x.author_id, qt.topic_id, q.space_id,
           CASE WHEN q.accepted_answer_id = x.id THEN 'accepted' ELSE 'answer' END, x.created_at, q.id, x.id
    FROM questions q
    JOIN question_topics qt ON qt.question_id = q.id
    JOIN answers x ON x.question_id = q.id
    JOIN accounts a ON a.id = x.author_id
    WHERE q.id IN (SELECT unnest(ids)) AND (q.accepted_answer_id = x.id OR x.score > 0);
END $$;

CREATE FUNCTION evidence_of_pages(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM evidence_lock('page', ids);
    DELETE FROM evidence_items WHERE page_id IN (SELECT unnest(ids));
    -- Every person who wrote a revision, however many, and the owner, once.
    INSERT INTO evidence_items (account_id, topic_id, space_id, kind, at, page_id)
    SELECT w.account, pt.topic_id, pg.space_id, 'page', pg.updated_at, pg.id
    FROM pages pg
    JOIN page_topics pt ON pt.page_id = pg.id
    CROSS JOIN LATERAL (SELECT author_id FROM page_revisions r WHERE r.page_id = pg.id
                        UNION SELECT pg.owner_id) w(account)
    JOIN accounts a ON a.id = w.account
    WHERE pg.id IN (SELECT unnest(ids)) AND NOT pg.is_template;
END $$;

-- The trigger functions find the questions and pages a statement touched
-- in its transition tables; an update counts only where a column the rows
-- are made of changed, so that editing a text or counting a view costs
-- nothing here.
CREATE FUNCTION evidence_answers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM evidence_of_questions(ARRAY(SELECT DISTINCT question_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM evidence_of_questions(ARRAY(SELECT DISTINCT question_id FROM old_rows));
    ELSE
        PERFORM evidence_of_questions(ARRAY(
            SELECT DISTINCT unnest(ARRAY[o.question_id, n.question_id]) FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.question_id, o.author_id, o.score > 0, o.created_at) IS DISTINCT FROM (n.question_id, n.author_id, n.score > 0, n.created_at)));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION evidence_questions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM evidence_of_questions(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM evidence_of_questions(ARRAY(SELECT id FROM old_rows));
    ELSE
        PERFORM evidence_of_questions(ARRAY(
            SELECT DISTINCT unnest(ARRAY[o.id, n.id]) FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.space_id, o.accepted_answer_id) IS DISTINCT FROM (n.space_id, n.accepted_answer_id)));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION evidence_question_topics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM evidence_of_questions(ARRAY(SELECT DISTINCT question_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM evidence_of_questions(ARRAY(SELECT DISTINCT question_id FROM old_rows));
    ELSE
        PERFORM evidence_of_questions(ARRAY(
            SELECT question_id FROM old_rows UNION SELECT question_id FROM new_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION evidence_pages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM evidence_of_pages(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM evidence_of_pages(ARRAY(SELECT id FROM old_rows));
    ELSE
        PERFORM evidence_of_pages(ARRAY(
            SELECT DISTINCT unnest(ARRAY[o.id, n.id]) FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.space_id, o.is_template, o.owner_id, o.updated_at) IS DISTINCT FROM (n.space_id, n.is_template, n.owner_id, n.updated_at)));
    END IF;
    RETURN NULL;
END $$;

-- page_topics and page_revisions: both hold page_id.
CREATE FUNCTION evidence_page_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM evidence_of_pages(ARRAY(SELECT DISTINCT page_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM evidence_of_pages(ARRAY(SELECT DISTINCT page_id FROM old_rows));
    ELSIF TG_TABLE_NAME = 'page_revisions' THEN
        -- Purging a revision's text changes nothing here; its author does.
        PERFORM evidence_of_pages(ARRAY(SELECT DISTINCT page_id FROM (
            (SELECT page_id, number, author_id FROM old_rows EXCEPT ALL SELECT page_id, number, author_id FROM new_rows)
            UNION ALL
            (SELECT page_id, number, author_id FROM new_rows EXCEPT ALL SELECT page_id, number, author_id FROM old_rows)) c));
    ELSE
        PERFORM evidence_of_pages(ARRAY(
            SELECT page_id FROM old_rows UNION SELECT page_id FROM new_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER evidence_answers_insert AFTER INSERT ON answers REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_answers();
CREATE TRIGGER evidence_answers_update AFTER UPDATE ON answers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_answers();
CREATE TRIGGER evidence_answers_delete AFTER DELETE ON answers REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_answers();

CREATE TRIGGER evidence_questions_insert AFTER INSERT ON questions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_questions();
CREATE TRIGGER evidence_questions_update AFTER UPDATE ON questions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_questions();
CREATE TRIGGER evidence_questions_delete AFTER DELETE ON questions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_questions();

CREATE TRIGGER evidence_question_topics_insert AFTER INSERT ON question_topics REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_question_topics();
CREATE TRIGGER evidence_question_topics_update AFTER UPDATE ON question_topics REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_question_topics();
CREATE TRIGGER evidence_question_topics_delete AFTER DELETE ON question_topics REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_question_topics();

CREATE TRIGGER evidence_pages_insert AFTER INSERT ON pages REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_pages();
CREATE TRIGGER evidence_pages_update AFTER UPDATE ON pages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_pages();
CREATE TRIGGER evidence_pages_delete AFTER DELETE ON pages REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_pages();

CREATE TRIGGER evidence_page_topics_insert AFTER INSERT ON page_topics REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_page_rows();
CREATE TRIGGER evidence_page_topics_update AFTER UPDATE ON page_topics REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_page_rows();
CREATE TRIGGER evidence_page_topics_delete AFTER DELETE ON page_topics REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_page_rows();

CREATE TRIGGER evidence_page_revisions_insert AFTER INSERT ON page_revisions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_page_rows();
CREATE TRIGGER evidence_page_revisions_update AFTER UPDATE ON page_revisions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_page_rows();
CREATE TRIGGER evidence_page_revisions_delete AFTER DELETE ON page_revisions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_page_rows();

-- What there is already.
SELECT evidence_of_questions(ARRAY(SELECT id FROM questions));
SELECT evidence_of_pages(ARRAY(SELECT id FROM pages));
