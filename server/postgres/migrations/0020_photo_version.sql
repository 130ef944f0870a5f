-- A photo is named in its URL by its content, not by when it changed. The
-- name is computed once when the photo is written: lists of people would
-- otherwise read and hash every photo they show.
ALTER TABLE profile_photos ADD COLUMN version text GENERATED ALWAYS AS (left(md5(content), 16)) STORED;
