-- The optional profile photo. The bytes live in PostgreSQL, not under the
-- data directory beside the attachments: PostgreSQL is the source of
-- truth, so the export reads the photo in the same snapshot as everything
-- else held about the person, and erasing the account removes it through
-- the foreign key in the same transaction. A photo is small (re-encoded as
-- JPEG of at most 400 × 400 pixels), so it does not strain the table.
CREATE TABLE profile_photos (
    account_id   bigint PRIMARY KEY REFERENCES accounts ON DELETE CASCADE,
    content      bytea NOT NULL,
    content_type text NOT NULL CHECK (content_type = 'image/jpeg'),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
