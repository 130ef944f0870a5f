package wiki

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/topics"
)

// TopicCarriers tells, for each of topicIDs that some page carries,
// whether a page in one of the spaces readable does, and whether one in
// another space does.
func (st *Store) TopicCarriers(ctx context.Context, topicIDs, readable []int64) (map[int64]topics.Carried, error) {
	rows, _ := st.pool.Query(ctx, `SELECT pt.topic_id, bool_or(p.space_id = ANY($2)) AS readable, bool_or(p.space_id <> ALL($2)) AS hidden
		FROM page_topics pt JOIN pages p ON p.id = pt.page_id WHERE pt.topic_id = ANY($1) GROUP BY pt.topic_id`, topicIDs, readable)
	out, err := topics.CollectCarried(rows)
	if err != nil {
		return nil, fmt.Errorf("pages carrying topics: %w", err)
	}
	return out, nil
}

// PagesOfTopics lists the pages tagged with one of the topics in the
// readable spaces, by title, at most 50.
func (st *Store) PagesOfTopics(ctx context.Context, topicIDs, readable []int64) ([]PageRef, error) {
	rows, _ := st.pool.Query(ctx, `SELECT DISTINCT p.id, p.space_id, s.slug AS space_slug, p.slug, p.title
		FROM page_topics pt JOIN pages p ON p.id = pt.page_id JOIN spaces s ON s.id = p.space_id
		WHERE pt.topic_id = ANY($1) AND p.space_id = ANY($2) AND NOT p.is_template ORDER BY p.title LIMIT 50`, topicIDs, readable)
	refs, err := pgx.CollectRows(rows, pgx.RowToStructByName[PageRef])
	if err != nil {
		return nil, fmt.Errorf("pages of topic: %w", err)
	}
	return refs, nil
}

// MergeTopic re-points the pages of a merged topic to the one it merged
// into, in the merge's transaction.
func MergeTopic(ctx context.Context, tx pgx.Tx, from, to int64) error {
	if _, err := tx.Exec(ctx, `INSERT INTO page_topics (page_id, topic_id) SELECT page_id, $2 FROM page_topics WHERE topic_id = $1
		ON CONFLICT DO NOTHING`, from, to); err != nil {
		return fmt.Errorf("merge page topics: %w", err)
	}
	_, err := tx.Exec(ctx, `DELETE FROM page_topics WHERE topic_id = $1`, from)
	return err
}
