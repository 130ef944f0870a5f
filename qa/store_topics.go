package qa

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/topics"
)

// TopicCarriers tells, for each of topicIDs that some question carries,
// whether a question in one of the spaces readable does, and whether one
// in another space does.
func (st *Store) TopicCarriers(ctx context.Context, topicIDs, readable []int64) (map[int64]topics.Carried, error) {
	rows, _ := st.pool.Query(ctx, `SELECT qt.topic_id, bool_or(q.space_id = ANY($2)) AS readable, bool_or(q.space_id <> ALL($2)) AS hidden
		FROM question_topics qt JOIN questions q ON q.id = qt.question_id WHERE qt.topic_id = ANY($1) GROUP BY qt.topic_id`, topicIDs, readable)
	out, err := topics.CollectCarried(rows)
	if err != nil {
		return nil, fmt.Errorf("questions carrying topics: %w", err)
	}
	return out, nil
}

// TopicQuestion is a question on a topic page.
type TopicQuestion struct {
	ID          int64  `db:"id"`
	Title       string `db:"title"`
	AnswerCount int    `db:"answer_count"`
	CreatedAt   any    `db:"created_at"`
}

// QuestionsOfTopics lists the newest questions on one of the topics in
// the readable spaces, at most 20.
func (st *Store) QuestionsOfTopics(ctx context.Context, topicIDs, readable []int64) ([]TopicQuestion, error) {
	rows, _ := st.pool.Query(ctx, `SELECT DISTINCT q.id, q.title, q.answer_count, q.created_at FROM question_topics qt
		JOIN questions q ON q.id = qt.question_id WHERE qt.topic_id = ANY($1) AND q.space_id = ANY($2)
		ORDER BY q.created_at DESC LIMIT 20`, topicIDs, readable)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[TopicQuestion])
	if err != nil {
		return nil, fmt.Errorf("questions of topic: %w", err)
	}
	return list, nil
}
