-- The expertise finder: profiles (the digital phone book), organisation
-- units, declared skills, and the person's control over derived expertise.
CREATE TABLE org_units (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id  bigint NOT NULL REFERENCES agencies ON DELETE CASCADE,
    parent_id  bigint REFERENCES org_units ON DELETE SET NULL,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- The directory entry the unit came from; NULL for units made by hand.
    ldap_dn    text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX org_units_agency ON org_units (agency_id, parent_id);

-- One profile per account. Fields fed by the directory (position, unit,
-- phone, location, manager) are overwritten by the import; what the person
-- maintains (tasks, ask_me_about, languages, skills) never is.
CREATE TABLE profiles (
    account_id         bigint PRIMARY KEY REFERENCES accounts ON DELETE CASCADE,
    position           text NOT NULL DEFAULT '' CHECK (length(position) <= 200),
    org_unit_id        bigint REFERENCES org_units ON DELETE SET NULL,
    location           text NOT NULL DEFAULT '' CHECK (length(location) <= 200),
    phone              text NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
    tasks              text NOT NULL DEFAULT '' CHECK (length(tasks) <= 2000),
    ask_me_about       text NOT NULL DEFAULT '' CHECK (length(ask_me_about) <= 1000),
    languages          text[] NOT NULL DEFAULT '{}',
    -- Hidden profiles appear nowhere: not in the directory, search,
    -- expert results or suggestions. The name still stands on content.
    hidden             boolean NOT NULL DEFAULT false,
    -- Derived expertise (from answers and pages) counts only with consent.
    derived_consent    boolean NOT NULL DEFAULT false,
    consent_changed_at timestamptz,
    ldap_dn            text UNIQUE,
    manager_dn         text,
    -- Set by the directory import when the entry disappeared.
    left_at            timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX profiles_unit ON profiles (org_unit_id);

CREATE TABLE profile_skills (
    account_id   bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    topic_id     bigint NOT NULL REFERENCES topics, -- no cascade: a topic in use is merged, never deleted
    level        text NOT NULL CHECK (level IN ('basic', 'advanced', 'expert')),
    confirmed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, topic_id)
);
CREATE INDEX profile_skills_topic ON profile_skills (topic_id);

-- Derived topics a person chose not to be found for.
CREATE TABLE hidden_derived_topics (
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    topic_id   bigint NOT NULL REFERENCES topics,
    PRIMARY KEY (account_id, topic_id)
);

-- Every account has a profile from the start, so that joins need no
-- special case.
INSERT INTO profiles (account_id) SELECT id FROM accounts;
CREATE FUNCTION create_profile() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO profiles (account_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER accounts_profile AFTER INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION create_profile();
