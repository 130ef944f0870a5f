-- The review job tells a page's owner once when the page falls due:
-- review_noticed is the due date last announced, so that a new due date
-- (after a review or an edit) is announced again and the same one never
-- twice, however many servers run the job.
ALTER TABLE pages ADD COLUMN review_noticed date;
