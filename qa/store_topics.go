package qa

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// TopicCarrier is whether questions carry a topic in readable spaces, and
// whether in others.
type TopicCarrier struct {
	TopicID  int64 `db:"topic_id"`
	Readable bool  `db:"readable"`
	Hidden   bool  `db:"hidden"`
}

// TopicCarriers tells, for each of topicIDs that some question carries,
// whether a question in one of the spaces readable does, and whether one
// in another space does.
func (st *Store) TopicCarriers(ctx context.Context, topicIDs, readable []int64) ([]TopicCarrier, error) {
	rows, _ := st.pool.Query(ctx, `SELECT qt.topic_id, bool_or(q.space_id = ANY($2)) AS readable, bool_or(q.space_id <> ALL($2)) AS hidden
		FROM question_topics qt JOIN questions q ON q.id = qt.question_id WHERE qt.topic_id = ANY($1) GROUP BY qt.topic_id`, topicIDs, readable)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[TopicCarrier])
	if err != nil {
		return nil, fmt.Errorf("questions carrying topics: %w", err)
	}
	return list, nil
}
