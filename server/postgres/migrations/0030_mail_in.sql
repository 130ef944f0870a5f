-- Mail in: threads forwarded into a space wait as drafts for the person
-- who forwarded them, and published posts remember that they came by
-- mail, so that a post without an account reads "extern".
CREATE TABLE mail_drafts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    space_id    bigint NOT NULL REFERENCES spaces ON DELETE CASCADE,
    subject     text NOT NULL CHECK (length(subject) <= 1000),
    -- The forwarded mail's Message-ID: the same mail sent twice (a
    -- retrying server, a second upload) makes one draft.
    message_id  text NOT NULL CHECK (length(message_id) <= 1000),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX mail_drafts_message ON mail_drafts (account_id, message_id) WHERE message_id <> '';
CREATE INDEX mail_drafts_created ON mail_drafts (created_at);

-- The thread's messages, oldest first: position 0 becomes the question.
-- author_id is the account the sender's address belongs to; NULL means
-- extern, and the address itself is not kept.
CREATE TABLE mail_draft_messages (
    draft_id  bigint NOT NULL REFERENCES mail_drafts ON DELETE CASCADE,
    position  integer NOT NULL CHECK (position >= 0),
    author_id bigint REFERENCES accounts ON DELETE SET NULL,
    sent_at   timestamptz,
    body      text NOT NULL CHECK (length(body) <= 100000),
    PRIMARY KEY (draft_id, position)
);

-- Files of a mail draft; contents live in the attachment store by hash.
-- When the draft goes, draft_id turns NULL and the sweep removes the row
-- and, if nothing else uses it, the content.
CREATE TABLE mail_draft_files (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    draft_id     bigint REFERENCES mail_drafts ON DELETE SET NULL,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    sha256       bytea NOT NULL CHECK (length(sha256) = 32)
);
CREATE INDEX mail_draft_files_draft ON mail_draft_files (draft_id);

-- Files of a question, published with a mail thread.
CREATE TABLE question_files (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question_id  bigint NOT NULL REFERENCES questions ON DELETE CASCADE,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    sha256       bytea NOT NULL CHECK (length(sha256) = 32),
    UNIQUE (question_id, filename)
);
CREATE INDEX question_files_sha256 ON question_files (sha256);

ALTER TABLE questions ADD COLUMN from_mail boolean NOT NULL DEFAULT false;
ALTER TABLE answers ADD COLUMN from_mail boolean NOT NULL DEFAULT false;
