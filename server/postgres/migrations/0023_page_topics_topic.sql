-- The pages and questions of a topic are found by the topic and read from
-- the index alone, as the expert box of every question page and the topic
-- pages ask for them. With the topic alone in the index, PostgreSQL had to
-- fetch each row from the table, and preferred to read the whole primary
-- key instead, some 150,000 entries in the data set of DESIGN.md section 9.
-- The new indexes serve every lookup the old ones served. (IF NOT EXISTS:
-- the indexes may have been built beforehand, CONCURRENTLY, on a large
-- instance.)
CREATE INDEX IF NOT EXISTS page_topics_topic_page ON page_topics (topic_id, page_id);
DROP INDEX IF EXISTS page_topics_topic;
CREATE INDEX IF NOT EXISTS question_topics_topic_question ON question_topics (topic_id, question_id);
DROP INDEX IF EXISTS question_topics_topic;

-- A person's pages are found by the revisions they wrote: for the evidence
-- their profile shows, their own preview of it, and when their account is
-- deleted (ON DELETE SET NULL), which otherwise read every revision.
CREATE INDEX IF NOT EXISTS page_revisions_author ON page_revisions (author_id, page_id);

-- The people whose work counts as evidence, for the expert box: read from
-- this index instead of every profile of the instance.
CREATE INDEX IF NOT EXISTS profiles_derived ON profiles (account_id) WHERE derived_consent AND NOT hidden AND left_at IS NULL;
