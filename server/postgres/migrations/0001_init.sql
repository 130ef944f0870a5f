-- Extensions that the fallback search and name look-ups rely on. Both are
-- trusted extensions, so the database owner may create them without being a
-- superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- Reports of accessibility barriers (BITV 2.0 § 7 feedback mechanism). The
-- contact address is optional and only kept so that the operator can reply.
CREATE TABLE barrier_reports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    page_url    text NOT NULL CHECK (length(page_url) <= 2000),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 5000),
    contact     text CHECK (length(contact) <= 320),
    created_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz
);
