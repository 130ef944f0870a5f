-- The trash. Deleting a page (with its subpages, revisions, attachments,
-- links and topics), an attachment, a question, an answer or a comment
-- moves its rows out of their tables into one trash row as a JSON snapshot;
-- restoring inserts them again with their ids.
--
-- Why snapshots and not deleted_at columns or views: a trashed item must
-- vanish from every read path (page view, tree, API, search source,
-- backlinks, link resolution, review queue, trends, expert evidence, Q&A
-- lists, exports, downloads, notifications). With a flag every one of
-- those queries, in every package and in every query written later, would
-- have to remember the filter; with rows that are simply not there, none
-- can forget. Views would keep old queries right but would stop other
-- tables from referring to pages and questions by foreign key. Ids are
-- never reused (identity columns), so restoring under the same id makes
-- watches, links by id and outside references work again.
--
-- Rows of other items that refer to a trashed one stay where they are:
-- links of other pages keep their rows. Where a foreign key empties such
-- a reference on delete (a question promoted to the page, a question closed
-- as a duplicate), the reference is recorded in the snapshot and set again
-- on restore.
--
-- Restore re-inserts the rows by the columns the tables have then, so
-- columns added later travel in the snapshot without changes here;
-- references to rows gone meanwhile (an erased author) come back empty.
CREATE TABLE trash (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_id   bigint NOT NULL REFERENCES spaces ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('page', 'attachment', 'question', 'answer', 'comment')),
    item_id    bigint NOT NULL,
    -- What moderators see in the trash list: a page or question title, a
    -- file name, or the start of an answer or comment.
    label      text NOT NULL,
    -- Where the item lived, for the list: a page's slug, the page of an
    -- attachment, the question of an answer or comment.
    place      text NOT NULL DEFAULT '',
    deleted_by bigint REFERENCES accounts ON DELETE SET NULL,
    deleted_at timestamptz NOT NULL DEFAULT now(),
    snapshot   jsonb NOT NULL,
    -- The attachment contents the snapshot refers to: the files stay on
    -- disk while anything, trash included, still refers to them.
    files      bytea[] NOT NULL DEFAULT '{}'
);
CREATE INDEX trash_space ON trash (space_id, deleted_at DESC);
CREATE INDEX trash_deleted ON trash (deleted_at);
CREATE INDEX trash_files ON trash USING gin (files);

-- Earlier versions of an attachment. Uploading a file under a name the
-- page already has moves the current content here; restoring a version
-- swaps it back.
CREATE TABLE attachment_versions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attachment_id bigint NOT NULL REFERENCES attachments ON DELETE CASCADE,
    content_type  text NOT NULL,
    size          bigint NOT NULL CHECK (size >= 0),
    sha256        bytea NOT NULL CHECK (length(sha256) = 32),
    uploaded_by   bigint REFERENCES accounts ON DELETE SET NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX attachment_versions_attachment ON attachment_versions (attachment_id, created_at DESC);
CREATE INDEX attachment_versions_sha256 ON attachment_versions (sha256);

-- A purged revision stays in the history with who removed its content and
-- when; its title and text are gone.
ALTER TABLE page_revisions
    ADD COLUMN purged_at timestamptz,
    ADD COLUMN purged_by bigint REFERENCES accounts ON DELETE SET NULL;

-- Every purge, without the content: who, when, what kind of item, which
-- space and why. Trash the retention job empties is logged with no person
-- and the reason 'retention'. Kept for three years (see the privacy page).
CREATE TABLE purge_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purged_at timestamptz NOT NULL DEFAULT now(),
    purged_by bigint REFERENCES accounts ON DELETE SET NULL,
    kind      text NOT NULL CHECK (kind IN ('page', 'attachment', 'question', 'answer', 'comment', 'revision')),
    space_id  bigint REFERENCES spaces ON DELETE SET NULL,
    reason    text NOT NULL CHECK (reason IN ('personal-data', 'legal', 'other', 'retention'))
);
CREATE INDEX purge_log_purged_at ON purge_log (purged_at);
