-- A person's votes are found by their account: for the data export and
-- when an account is deleted (ON DELETE CASCADE), which otherwise read
-- every vote of the instance, some 376,000 in the data set of DESIGN.md
-- section 9.
CREATE INDEX votes_account ON votes (account_id);
