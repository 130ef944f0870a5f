-- The wiki: pages in spaces with their full history, links, topics,
-- attachments and review dates.
CREATE TABLE pages (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_id             bigint NOT NULL REFERENCES spaces ON DELETE CASCADE,
    parent_id            bigint REFERENCES pages ON DELETE SET NULL,
    slug                 citext NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
    title                text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- A copy of the newest revision, so that viewing a page reads one row.
    body                 text NOT NULL CHECK (length(body) <= 500000),
    revision             integer NOT NULL DEFAULT 1,
    owner_id             bigint REFERENCES accounts ON DELETE SET NULL,
    -- 0 means the page never needs a review.
    review_interval_days integer NOT NULL DEFAULT 365 CHECK (review_interval_days BETWEEN 0 AND 3650),
    reviewed_at          timestamptz NOT NULL DEFAULT now(),
    is_template          boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (space_id, slug),
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX pages_parent ON pages (parent_id);
CREATE INDEX pages_space_title ON pages (space_id, lower(title));
CREATE INDEX pages_owner ON pages (owner_id);

-- Every save is a revision; nothing is ever overwritten.
CREATE TABLE page_revisions (
    page_id    bigint NOT NULL REFERENCES pages ON DELETE CASCADE,
    number     integer NOT NULL CHECK (number >= 1),
    title      text NOT NULL,
    body       text NOT NULL,
    author_id  bigint REFERENCES accounts ON DELETE SET NULL,
    message    text NOT NULL DEFAULT '' CHECK (length(message) <= 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (page_id, number)
);

-- Outgoing wiki links as written: the target space's slug and the target
-- as a key (lower-case title or slug), resolved when read, so that a link
-- to a page that does not exist yet turns into a working link once the
-- page is created.
CREATE TABLE page_links (
    from_page_id bigint NOT NULL REFERENCES pages ON DELETE CASCADE,
    to_space     citext NOT NULL,
    to_key       text NOT NULL,
    PRIMARY KEY (from_page_id, to_space, to_key)
);
CREATE INDEX page_links_target ON page_links (to_space, to_key);

-- Old addresses of moved or renamed pages, so that links and bookmarks
-- keep working.
CREATE TABLE page_redirects (
    space_id bigint NOT NULL REFERENCES spaces ON DELETE CASCADE,
    slug     citext NOT NULL,
    page_id  bigint NOT NULL REFERENCES pages ON DELETE CASCADE,
    PRIMARY KEY (space_id, slug)
);

CREATE TABLE page_topics (
    page_id  bigint NOT NULL REFERENCES pages ON DELETE CASCADE,
    topic_id bigint NOT NULL REFERENCES topics,  -- no cascade: a topic in use is merged, never deleted
    PRIMARY KEY (page_id, topic_id)
);
CREATE INDEX page_topics_topic ON page_topics (topic_id);

-- Files are stored once per content under the data directory, named by
-- their SHA-256; this table says which page holds which file under which
-- name.
CREATE TABLE attachments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    page_id      bigint NOT NULL REFERENCES pages ON DELETE CASCADE,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    sha256       bytea NOT NULL CHECK (length(sha256) = 32),
    uploaded_by  bigint REFERENCES accounts ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (page_id, filename)
);
CREATE INDEX attachments_sha256 ON attachments (sha256);
