-- Replies by mail that became posts, by a hash of the reply address's tag
-- and the mail's Message-ID (or, lacking one, of the whole mail): a mail
-- delivered twice (a sending server retrying after a lost reply, two
-- routes) makes one post. The hash names no person and no content; rows
-- go after 30 days, long after any server stops retrying.
CREATE TABLE mail_replies (
    hash     bytea PRIMARY KEY CHECK (length(hash) = 32),
    taken_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mail_replies_taken ON mail_replies (taken_at);
