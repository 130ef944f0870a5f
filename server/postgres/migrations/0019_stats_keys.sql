-- Trends under rules that hold when figures are combined.
--
-- The day's key is kept only sealed (AES-GCM) under the instance key, a
-- file in the data directory outside PostgreSQL: a copy of the database
-- alone cannot recompute a pseudonym. The plaintext keys go; the raw rows
-- recorded under them go too, since the same person recorded again under
-- a new key would count twice.
DELETE FROM stats_secrets;
DELETE FROM stats_raw;
ALTER TABLE stats_secrets DROP COLUMN secret,
    ADD COLUMN nonce bytea NOT NULL CHECK (length(nonce) = 12),
    ADD COLUMN sealed bytea NOT NULL CHECK (length(sealed) = 48);

-- Every item counts in exactly one scope, decided when it is recorded: a
-- page or question in its space's, anything else in the agency of the
-- person. The agency of a reader of a page is no longer kept.
ALTER TABLE stats_raw DROP COLUMN agency_id,
    ADD COLUMN scope text NOT NULL CHECK (scope ~ '^(space|agency):[0-9]+$');

-- The number of people who could have stood behind a figure (the smallest
-- of the week's days): a figure is released only in a scope large enough,
-- and never as a band that would mean "nearly all of them".
ALTER TABLE stats_weekly ADD COLUMN population integer;

-- Figures of the old rules in a second scope for the same item (instance,
-- or an agency for pages and questions) could be subtracted from each
-- other: they go. The rest get the population their scope has now.
DELETE FROM stats_weekly WHERE scope = 'instance' OR (kind IN ('page', 'question') AND scope NOT LIKE 'space:%');
UPDATE stats_weekly w SET population = p.n FROM (
    SELECT 'space:' || space_id AS scope, count(DISTINCT account_id) AS n FROM (
        SELECT sp.id AS space_id, a.id AS account_id FROM spaces sp JOIN accounts a
            ON a.disabled_at IS NULL AND sp.visibility = 'organisation' AND a.agency_id = sp.agency_id
        UNION SELECT m.space_id, m.account_id FROM space_members m JOIN accounts a ON a.id = m.account_id AND a.disabled_at IS NULL
        UNION SELECT m.space_id, g.account_id FROM space_members m JOIN group_members g ON g.group_id = m.group_id
            JOIN accounts a ON a.id = g.account_id AND a.disabled_at IS NULL
    ) readers GROUP BY space_id
    UNION ALL
    SELECT 'agency:' || agency_id, count(*) FROM accounts WHERE disabled_at IS NULL GROUP BY agency_id
) p WHERE p.scope = w.scope;
