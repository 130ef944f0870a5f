-- The start page lists the pages last changed in the spaces a person
-- reads, ten of them. Read along this index, newest first, PostgreSQL
-- stops after the first ten that lie in those spaces; without it, it
-- sorted every page of the spaces, some 25,000 for a reader of 50 of the
-- 200 spaces of DESIGN.md section 9's data set. (IF NOT EXISTS: it may
-- have been built beforehand, CONCURRENTLY, on a large instance.)
CREATE INDEX IF NOT EXISTS pages_recent ON pages (updated_at DESC, id DESC) WHERE NOT is_template;
