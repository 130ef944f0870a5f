-- Drafts: what a person typed into an editor and has not saved yet. A
-- draft belongs either to an account or, after a save found the session
-- expired, to the holder of a random secret (only its SHA-256 is kept)
-- until that person signs in again and the draft is claimed.
CREATE TABLE drafts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   bigint REFERENCES accounts ON DELETE CASCADE,
    pending_hash bytea CHECK (length(pending_hash) = 32),
    key          text NOT NULL CHECK (key ~ '^[a-z-]+:[0-9]+$' AND length(key) <= 100),
    path         text NOT NULL CHECK (path LIKE '/%' AND length(path) <= 1000),
    fields       jsonb NOT NULL DEFAULT '{}',
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((account_id IS NULL) <> (pending_hash IS NULL))
);
CREATE UNIQUE INDEX drafts_account_key ON drafts (account_id, key) WHERE account_id IS NOT NULL;
CREATE UNIQUE INDEX drafts_pending_key ON drafts (pending_hash, key) WHERE pending_hash IS NOT NULL;
CREATE INDEX drafts_updated ON drafts (updated_at);

-- Files uploaded into the editor of a page that does not exist yet. They
-- become the page's attachments when it is created. When the draft goes,
-- draft_id turns NULL and the purge removes the row and, if nothing else
-- uses it, the content.
CREATE TABLE draft_files (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    draft_id     bigint REFERENCES drafts ON DELETE SET NULL,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    sha256       bytea NOT NULL CHECK (length(sha256) = 32),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX draft_files_name ON draft_files (draft_id, lower(filename)) WHERE draft_id IS NOT NULL;
CREATE INDEX draft_files_orphans ON draft_files (id) WHERE draft_id IS NULL;
