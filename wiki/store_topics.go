package wiki

import (
	"context"
	"fmt"

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
