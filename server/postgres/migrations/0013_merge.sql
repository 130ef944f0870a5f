-- Review state: a page is "not reviewed" until someone confirms it
-- (reviewed_at NULL), instead of counting as reviewed from its creation.
-- review_due is the date by which the next review is due, chosen in the
-- editor; confirming a review sets it from review_interval_days, which is
-- now the repeat interval. NULL: the page needs no review.
ALTER TABLE pages
    ALTER COLUMN reviewed_at DROP NOT NULL,
    ALTER COLUMN reviewed_at DROP DEFAULT,
    ADD COLUMN review_due date;

UPDATE pages SET review_due = (reviewed_at + make_interval(days => review_interval_days))::date
WHERE review_interval_days > 0;

CREATE INDEX pages_review_due ON pages (review_due) WHERE review_due IS NOT NULL AND NOT is_template;
