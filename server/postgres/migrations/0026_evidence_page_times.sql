-- A page saved changes its text, its revision and its time: the new
-- revision recomputes the page's evidence already, so a change of the
-- page's time alone only moves the time of its rows instead of deleting
-- and writing them again. Space, template flag and owner still recompute.
CREATE OR REPLACE FUNCTION evidence_pages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM evidence_of_pages(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM evidence_of_pages(ARRAY(SELECT id FROM old_rows));
    ELSE
        PERFORM evidence_of_pages(ARRAY(
            SELECT DISTINCT unnest(ARRAY[o.id, n.id]) FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.space_id, o.is_template, o.owner_id) IS DISTINCT FROM (n.space_id, n.is_template, n.owner_id)));
        -- The rows are locked by this statement already.
        UPDATE evidence_items e SET at = n.updated_at
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE e.page_id = n.id AND o.updated_at IS DISTINCT FROM n.updated_at
          AND (o.space_id, o.is_template, o.owner_id) IS NOT DISTINCT FROM (n.space_id, n.is_template, n.owner_id);
    END IF;
    RETURN NULL;
END $$;
