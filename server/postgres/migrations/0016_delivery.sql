-- Notifications leave the browser: preferences per person, topic and
-- channel, the language of a person's messages, a Matrix ID for direct
-- messages, a space's Matrix room and video-conference link, watches of
-- whole spaces, and the delivery table every outgoing message passes
-- through.

ALTER TABLE watches DROP CONSTRAINT watches_kind_check;
ALTER TABLE watches ADD CONSTRAINT watches_kind_check CHECK (kind IN ('question', 'topic', 'page', 'space'));

-- How a person hears of each topic on each channel. A missing row means
-- the default the code gives (mentions and invitations at once by e-mail,
-- watched items in a daily digest, everything in the app).
CREATE TABLE notification_preferences (
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    topic      text NOT NULL CHECK (topic IN ('mention', 'invitation', 'watched', 'review', 'membership')),
    channel    text NOT NULL CHECK (channel IN ('app', 'email', 'matrix')),
    mode       text NOT NULL CHECK (mode IN ('immediate', 'daily', 'weekly', 'off')),
    PRIMARY KEY (account_id, topic, channel),
    -- The app has no digest: a notification is in the list or it is not.
    CHECK (channel <> 'app' OR mode IN ('immediate', 'off'))
);

ALTER TABLE accounts
    ADD COLUMN locale text NOT NULL DEFAULT 'de' CHECK (locale IN ('de', 'en')),
    ADD COLUMN matrix_id text CHECK (matrix_id ~ '^@[a-z0-9._=/+-]+:[A-Za-z0-9.-]+(:[0-9]{1,5})?$' AND length(matrix_id) <= 255);

ALTER TABLE spaces
    ADD COLUMN matrix_room text CHECK (matrix_room ~ '^[!#][^:\s]+:[A-Za-z0-9.-]+(:[0-9]{1,5})?$' AND length(matrix_room) <= 255),
    ADD COLUMN video_url text CHECK (video_url ~ '^https?://[^\s]+$' AND length(video_url) <= 2000),
    -- The event kinds posted to the room.
    ADD COLUMN matrix_kinds text[] NOT NULL DEFAULT '{page_created,question,accepted}';

-- Keys the instance signs with (unsubscribe links), shared by every
-- server; made by the first server that needs one.
CREATE TABLE instance_keys (
    name       text PRIMARY KEY,
    secret     bytea NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per message to send, written in the transaction of its event:
-- an e-mail or a Matrix direct message to a person (account_id), or a
-- post to a space's Matrix room (channel 'room'). Digest rows wait until
-- due_at and are sent together, one message per person and channel. uid is
-- the stable id of the message (Message-ID, Matrix transaction id), so a
-- retry after a crash does not send it twice; rows sent together share
-- the uid of their batch. Several servers claim rows with FOR UPDATE SKIP
-- LOCKED and lease them until next_attempt_at.
CREATE TABLE deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid             uuid NOT NULL DEFAULT gen_random_uuid(),
    channel         text NOT NULL CHECK (channel IN ('email', 'matrix', 'room')),
    event_id        bigint NOT NULL REFERENCES notification_events ON DELETE CASCADE,
    account_id      bigint REFERENCES accounts ON DELETE CASCADE,
    space_id        bigint NOT NULL REFERENCES spaces ON DELETE CASCADE,
    digest          text NOT NULL DEFAULT '' CHECK (digest IN ('', 'daily', 'weekly')),
    due_at          timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((channel = 'room') = (account_id IS NULL))
);
CREATE INDEX deliveries_pending ON deliveries (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX deliveries_account ON deliveries (account_id) WHERE sent_at IS NULL;
CREATE INDEX deliveries_sent ON deliveries (sent_at) WHERE sent_at IS NOT NULL;

-- The room the bot opened for direct messages to a person's Matrix ID; a
-- new ID gets a new room.
CREATE TABLE matrix_direct_rooms (
    account_id bigint PRIMARY KEY REFERENCES accounts ON DELETE CASCADE,
    matrix_id  text NOT NULL,
    room_id    text NOT NULL CHECK (length(room_id) <= 255)
);
