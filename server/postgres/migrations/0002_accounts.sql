-- Identity and access: agencies (tenants), accounts, groups, sessions, API
-- tokens, spaces and their members.
CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE agencies (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       citext NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id            bigint NOT NULL REFERENCES agencies,
    email                citext NOT NULL UNIQUE CHECK (length(email) <= 320),
    display_name         text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    handle               citext NOT NULL UNIQUE CHECK (handle ~ '^[a-z0-9][a-z0-9._-]{1,39}$'),
    -- NULL for accounts that sign in through the agency's identity provider only.
    password_hash        text,
    is_admin             boolean NOT NULL DEFAULT false,
    is_knowledge_manager boolean NOT NULL DEFAULT false,
    disabled_at          timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_agency ON accounts (agency_id);

-- Links an account to a subject at an OpenID provider.
CREATE TABLE account_identities (
    issuer     text NOT NULL,
    subject    text NOT NULL,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    PRIMARY KEY (issuer, subject)
);

CREATE TABLE groups (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       citext NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE group_members (
    group_id   bigint NOT NULL REFERENCES groups ON DELETE CASCADE,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    PRIMARY KEY (group_id, account_id)
);
CREATE INDEX group_members_account ON group_members (account_id);

-- Sessions are looked up by the SHA-256 of the cookie value, so a copy of
-- this table does not let anyone sign in. There is deliberately no "last
-- seen" column: idle_expires_at moves forward instead.
CREATE TABLE sessions (
    id_hash         bytea PRIMARY KEY,
    account_id      bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    csrf_token      text NOT NULL,
    idle_expires_at timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Personal API tokens, stored as SHA-256; last use is kept as a date only.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash   bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_on date,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- Failed sign-ins, keyed by the e-mail address typed (so unknown and known
-- accounts behave alike) or by the client address. Rows older than the
-- lock window are deleted.
CREATE TABLE sign_in_failures (
    key       text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (key, failed_at);

CREATE TABLE spaces (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        citext NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    agency_id   bigint NOT NULL REFERENCES agencies,
    visibility  text NOT NULL CHECK (visibility IN ('organisation', 'network', 'private')),
    -- The role every member of the owning agency has in an organisation space.
    agency_role text NOT NULL DEFAULT 'member' CHECK (agency_role IN ('viewer', 'member')),
    archived_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE space_members (
    space_id   bigint NOT NULL REFERENCES spaces ON DELETE CASCADE,
    account_id bigint REFERENCES accounts ON DELETE CASCADE,
    group_id   bigint REFERENCES groups ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('viewer', 'member', 'moderator', 'owner')),
    CHECK ((account_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX space_members_account ON space_members (space_id, account_id) WHERE account_id IS NOT NULL;
CREATE UNIQUE INDEX space_members_group ON space_members (space_id, group_id) WHERE group_id IS NOT NULL;

-- Every change to what the access rules are built from tells all server
-- processes to reload them. A trigger, not application code, so that no
-- path (web, API, command line, import) can forget it. NOTIFY is delivered
-- on commit only, and repeated notices in one transaction fold into one.
CREATE FUNCTION notify_policies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fachnetz_policies', '');
    RETURN NULL;
END $$;

CREATE TRIGGER accounts_policies AFTER INSERT OR DELETE OR UPDATE OF agency_id, is_admin, disabled_at ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION notify_policies();
CREATE TRIGGER group_members_policies AFTER INSERT OR UPDATE OR DELETE ON group_members
    FOR EACH STATEMENT EXECUTE FUNCTION notify_policies();
CREATE TRIGGER space_members_policies AFTER INSERT OR UPDATE OR DELETE ON space_members
    FOR EACH STATEMENT EXECUTE FUNCTION notify_policies();
CREATE TRIGGER spaces_policies AFTER INSERT OR DELETE OR UPDATE OF agency_id, visibility, agency_role, archived_at ON spaces
    FOR EACH STATEMENT EXECUTE FUNCTION notify_policies();
