-- Recomputing the evidence of an item waits for any other transaction
-- that changes the same question or page by locking its row, in id order,
-- instead of an advisory lock per bucket of ids. A bucket was shared by
-- unrelated items, and it was taken after the writer already held its
-- rows: a subtree moved page by page and a concurrent save of another page
-- of the same bucket could each wait for the other. Every writer of an
-- item's inputs locks or references its row already; NO KEY UPDATE does
-- not conflict with the KEY SHARE locks of foreign keys, and holds no
-- entry in the lock table however many items a statement touches.
CREATE OR REPLACE FUNCTION evidence_lock(what text, ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF what = 'question' THEN
        PERFORM 1 FROM questions WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    ELSE
        PERFORM 1 FROM pages WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    END IF;
END $$;
