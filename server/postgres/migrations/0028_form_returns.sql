-- A rejected form is answered with a redirect to the form's own address
-- (post/redirect/get), so that a reload never sends it again. The page
-- with what was typed and the errors waits here for that one GET: bound
-- to the hash of the session's (or, signed out, the browser's) CSRF
-- secret, read once, gone after 30 minutes at the latest. Any server
-- behind the load balancer may answer the GET.
CREATE TABLE form_returns (
    id          text PRIMARY KEY,
    owner_hash  bytea NOT NULL,
    target      text NOT NULL,
    page        text NOT NULL CHECK (octet_length(page) <= 2097152),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX form_returns_owner ON form_returns (owner_hash, created_at);
CREATE INDEX form_returns_created ON form_returns (created_at);
