-- File numbers (Aktenzeichen): per agency, the patterns by which file
-- numbers in pages and posts are recognised and the address of a file in
-- the agency's records system (DMS / e-Akte). Nothing is fetched from
-- there; a file number only becomes a link. The application checks a
-- pattern fully (it compiles, is not too broad); the database keeps the
-- bounds that no path may cross.
CREATE TABLE file_number_patterns (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id    bigint NOT NULL REFERENCES agencies ON DELETE CASCADE,
    label        text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 60),
    pattern      text NOT NULL CHECK (char_length(pattern) BETWEEN 1 AND 200),
    url_template text NOT NULL CHECK (char_length(url_template) <= 500 AND url_template ~ '^https?://' AND strpos(url_template, '{nr}') > 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX file_number_patterns_agency ON file_number_patterns (agency_id, id);

-- Every server process caches the compiled patterns of each agency (every
-- page view renders with them); a change tells them all to drop their
-- copy. Delivered on commit.
CREATE FUNCTION notify_file_numbers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fachnetz_file_numbers', '');
    RETURN NULL;
END $$;
CREATE TRIGGER file_number_patterns_notify AFTER INSERT OR UPDATE OR DELETE ON file_number_patterns
    FOR EACH STATEMENT EXECUTE FUNCTION notify_file_numbers();
