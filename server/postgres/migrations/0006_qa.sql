-- The Q&A board: questions, answers, comments, votes and their history.
-- A score belongs to a post, never to a person: there is no per-person sum
-- anywhere.
CREATE TABLE questions (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_id           bigint NOT NULL REFERENCES spaces ON DELETE CASCADE,
    author_id          bigint REFERENCES accounts ON DELETE SET NULL,
    title              text NOT NULL CHECK (length(title) BETWEEN 5 AND 200),
    body               text NOT NULL CHECK (length(body) <= 100000),
    revision           integer NOT NULL DEFAULT 1,
    score              integer NOT NULL DEFAULT 0,
    accepted_answer_id bigint,
    answer_count       integer NOT NULL DEFAULT 0,
    closed_at          timestamptz,
    closed_by          bigint REFERENCES accounts ON DELETE SET NULL,
    close_reason       text CHECK (length(close_reason) <= 500),
    duplicate_of       bigint REFERENCES questions ON DELETE SET NULL,
    wiki_page_id       bigint REFERENCES pages ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    -- Activity moves with answers and comments, for "newest activity" lists.
    active_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (duplicate_of IS DISTINCT FROM id)
);
CREATE INDEX questions_space_created ON questions (space_id, created_at DESC);
CREATE INDEX questions_unanswered ON questions (created_at DESC) WHERE answer_count = 0;

CREATE TABLE answers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question_id bigint NOT NULL REFERENCES questions ON DELETE CASCADE,
    author_id   bigint REFERENCES accounts ON DELETE SET NULL,
    body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
    revision    integer NOT NULL DEFAULT 1,
    score       integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX answers_question ON answers (question_id);
CREATE INDEX answers_author ON answers (author_id);
ALTER TABLE questions ADD CONSTRAINT questions_accepted_answer
    FOREIGN KEY (accepted_answer_id) REFERENCES answers ON DELETE SET NULL;

-- Every edit of a question or answer keeps the text it replaced.
CREATE TABLE post_revisions (
    post_type  text NOT NULL CHECK (post_type IN ('question', 'answer')),
    post_id    bigint NOT NULL,
    number     integer NOT NULL,
    title      text,
    body       text NOT NULL,
    author_id  bigint REFERENCES accounts ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_type, post_id, number)
);

CREATE TABLE comments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question_id bigint NOT NULL REFERENCES questions ON DELETE CASCADE,
    answer_id   bigint REFERENCES answers ON DELETE CASCADE, -- NULL: on the question
    author_id   bigint REFERENCES accounts ON DELETE SET NULL,
    body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_question ON comments (question_id);

-- One vote per person and post; changing it replaces it. Votes are never
-- shown per person: only the post's score is.
CREATE TABLE votes (
    post_type  text NOT NULL CHECK (post_type IN ('question', 'answer')),
    post_id    bigint NOT NULL,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    value      smallint NOT NULL CHECK (value IN (-1, 1)),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_type, post_id, account_id)
);

CREATE TABLE question_topics (
    question_id bigint NOT NULL REFERENCES questions ON DELETE CASCADE,
    topic_id    bigint NOT NULL REFERENCES topics, -- no cascade: a topic in use is merged, never deleted
    PRIMARY KEY (question_id, topic_id)
);
CREATE INDEX question_topics_topic ON question_topics (topic_id);

-- Where imported posts came from, so that a second import changes nothing.
CREATE TABLE import_sources (
    source      text NOT NULL,   -- e.g. "stackexchange:<site>"
    kind        text NOT NULL,   -- "question", "answer", "comment", "account", "topic"
    external_id text NOT NULL,
    local_id    bigint NOT NULL,
    PRIMARY KEY (source, kind, external_id)
);

-- Full-text search while Meilisearch is away.
ALTER TABLE questions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('german', title), 'A') || setweight(to_tsvector('german', body), 'B')
) STORED;
CREATE INDEX questions_search ON questions USING gin (search_vector);
