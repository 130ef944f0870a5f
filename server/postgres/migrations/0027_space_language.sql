-- The language a space's content is written in, so that pages and
-- questions carry lang="…" when it differs from the interface language
-- (WCAG 3.1.2). Existing spaces hold German content.
ALTER TABLE spaces ADD COLUMN language text NOT NULL DEFAULT 'de'
	CONSTRAINT spaces_language_check CHECK (language IN ('de', 'en'));
