-- Anonymised trends. A view or search is first recorded as (day, item,
-- pseudonym), the pseudonym being HMAC(account id, secret of the day), so
-- that a person counts once per item and day. When a day is aggregated its
-- secret and its raw rows are deleted: from then on nothing links a person
-- to an item. Raw rows never live longer than 48 hours.
CREATE TABLE stats_secrets (
    day    date PRIMARY KEY,
    secret bytea NOT NULL CHECK (length(secret) = 32)
);

CREATE TABLE stats_raw (
    day       date NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('page', 'question', 'topic', 'search', 'search_empty')),
    item      text NOT NULL CHECK (length(item) <= 200),
    -- The space of a page or question, for the access check when shown.
    space_id  bigint,
    agency_id bigint NOT NULL,
    pseudonym bytea NOT NULL,
    PRIMARY KEY (day, kind, item, pseudonym)
);
CREATE INDEX stats_raw_day ON stats_raw (day);

-- Per ISO week and scope ("instance" or "agency:<id>"): the number of
-- distinct people behind an item. Days have different pseudonyms, so the
-- week's figure is the largest daily one: never more people than there
-- really were. Kept 13 months.
CREATE TABLE stats_weekly (
    week     date NOT NULL,
    scope    text NOT NULL,
    kind     text NOT NULL,
    item     text NOT NULL,
    space_id bigint,
    people   integer NOT NULL,
    PRIMARY KEY (week, scope, kind, item)
);
CREATE INDEX stats_weekly_scope ON stats_weekly (scope, week, kind);

-- Which days are aggregated, so that figures wait for complete days.
CREATE TABLE stats_days (
    day           date PRIMARY KEY,
    aggregated_at timestamptz NOT NULL DEFAULT now()
);
