package qa

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/topics"
)

// questionTagging is question_topics, which tags questions with topics.
var questionTagging = topics.Tagging{Table: "question_topics", Item: "question_id", Items: "questions"}

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
	return postgres.All[TopicQuestion](rows, "questions of topic")
}

// MergeTopic re-points the questions of a merged topic to the one it
// merged into, in the merge's transaction.
func MergeTopic(ctx context.Context, tx pgx.Tx, from, to int64) error {
	return questionTagging.Merge(ctx, tx, from, to)
}
