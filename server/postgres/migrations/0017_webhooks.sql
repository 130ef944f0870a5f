-- Webhooks: a space's owners register HTTPS endpoints for chosen event
-- kinds. Each matching event becomes a delivery row in the event's own
-- transaction (the outbox); a sender POSTs it, signed per Standard
-- Webhooks, and records every attempt.

-- An endpoint of a space. The secret is kept as its raw key bytes, since
-- signing needs it; it is shown once, as whsec_ + base64. failing_since is
-- the time of the first failed attempt since the last success: an endpoint
-- failing for too long is switched off (active false, disabled_at set).
-- The creator's read access to the space is checked at every send.
CREATE TABLE webhooks (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_id      bigint NOT NULL REFERENCES spaces ON DELETE CASCADE,
    created_by    bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    url           text NOT NULL CHECK (url LIKE 'https://%' AND length(url) <= 2000),
    kinds         text[] NOT NULL CHECK (cardinality(kinds) > 0 AND
                      kinds <@ ARRAY['page_created', 'page_changed', 'page_moved', 'page_deleted', 'question', 'accepted']),
    secret        bytea NOT NULL CHECK (length(secret) BETWEEN 24 AND 64),
    active        boolean NOT NULL DEFAULT true,
    failing_since timestamptz,
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_space ON webhooks (space_id);

-- One message to one endpoint. uid is the stable webhook-id, the same on
-- every retry; body is the JSON sent, fixed when the event happened, so a
-- retry sends the same bytes. Senders claim due rows with FOR UPDATE SKIP
-- LOCKED and lease them by moving next_attempt_at forward.
CREATE TABLE webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid             uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    webhook_id      bigint NOT NULL REFERENCES webhooks ON DELETE CASCADE,
    event_id        bigint NOT NULL,
    event_type      text NOT NULL CHECK (event_type ~ '^[a-z]+\.[a-z]+$'),
    body            text NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'skipped')),
    attempts        integer NOT NULL DEFAULT 0,
    last_status     integer,
    last_error      text NOT NULL DEFAULT '',
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    done_at         timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_done ON webhook_deliveries (done_at) WHERE done_at IS NOT NULL;

-- Every attempt: when, and the HTTP status or the error.
CREATE TABLE webhook_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id bigint NOT NULL REFERENCES webhook_deliveries ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    status      integer,
    error       text NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);
