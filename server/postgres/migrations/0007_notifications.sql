-- Watching and notifications. What happened is one row in
-- notification_events, whoever learns of it; each person told about it in
-- the app has a row in notifications. Later channels (e-mail digests, a
-- Matrix room per space or topic, webhooks) are further consumers of the
-- same events, not changes to the code that records them.
--
-- Both tables hold per-person data that only that person sees: there is no
-- view of another person's watches or notifications, for admins neither.

-- What a person watches. item_id points into the table the kind names;
-- identities are never reused, so a watch of a deleted item is inert.
CREATE TABLE watches (
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('question', 'topic', 'page')),
    item_id    bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, kind, item_id)
);
CREATE INDEX watches_item ON watches (kind, item_id);

-- One row per thing that happened. space_id is the space whose readers may
-- know of it; the subject is the item whose access decides (a question, a
-- wiki page), so that moving or deleting it finds every event about it.
-- title and url are those at the time.
CREATE TABLE notification_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind ~ '^[a-z][a-z_]{0,39}$'),
    actor_id     bigint REFERENCES accounts ON DELETE SET NULL,
    space_id     bigint NOT NULL REFERENCES spaces ON DELETE CASCADE,
    subject_type text NOT NULL CHECK (subject_type ~ '^[a-z][a-z_]{0,39}$'),
    subject_id   bigint NOT NULL,
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    url          text NOT NULL CHECK (url LIKE '/%' AND url NOT LIKE '//%' AND length(url) <= 2000),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_events_subject ON notification_events (subject_type, subject_id);
CREATE INDEX notification_events_space ON notification_events (space_id);
CREATE INDEX notification_events_created ON notification_events (created_at);

-- A person's in-app notifications. space_id copies the event's, so that the
-- unread count of the header is one index-only scan with no join; the
-- access check at display time groups by it.
CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   bigint NOT NULL REFERENCES notification_events ON DELETE CASCADE,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    space_id   bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    UNIQUE (event_id, account_id)
);
CREATE INDEX notifications_account ON notifications (account_id, space_id, id);
CREATE INDEX notifications_unread ON notifications (account_id, space_id) WHERE read_at IS NULL;
CREATE INDEX notifications_created ON notifications (created_at);
