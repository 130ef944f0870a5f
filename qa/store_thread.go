package qa

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

const (
	// answersSQL: the accepted answer first, then by score, then oldest
	// first ($2 the accepted answer).
	answersSQL = `SELECT x.id, x.question_id, x.author_id, coalesce(a.display_name, '') AS author_name, x.from_mail, x.body, x.revision, x.score, x.created_at, x.updated_at
		FROM answers x LEFT JOIN accounts a ON a.id = x.author_id WHERE x.question_id = $1
		ORDER BY x.id = $2 DESC, x.score DESC, x.created_at, x.id`
	commentsSQL = `SELECT c.id, c.answer_id, c.author_id, coalesce(a.display_name, '') AS author_name, c.body, c.created_at
		FROM comments c LEFT JOIN accounts a ON a.id = c.author_id WHERE c.question_id = $1 ORDER BY c.created_at, c.id`
	topicsSQL = `SELECT t.id, t.slug, t.name FROM question_topics qt JOIN topics t ON t.id = qt.topic_id
		WHERE qt.question_id = $1 ORDER BY t.name`
	// myVotesSQL: two lookups by the primary key (post_type, post_id,
	// account_id); asked with OR, PostgreSQL reads every vote of the
	// instance.
	myVotesSQL = `SELECT 'question-' || v.post_id, v.value FROM votes v
		WHERE v.post_type = 'question' AND v.post_id = $1 AND v.account_id = $2
		UNION ALL
		SELECT 'answer-' || v.post_id, v.value FROM answers a
		JOIN votes v ON v.post_type = 'answer' AND v.post_id = a.id AND v.account_id = $2
		WHERE a.question_id = $1`
)

// Thread is what a question's page shows below the question.
type Thread struct {
	Answers  []Answer
	Comments []Comment // on the question and its answers, oldest first
	Topics   []Topic
	// MyVotes are the viewer's own votes on the question ("question-7")
	// and its answers ("answer-9"), shown to them and nobody else.
	MyVotes map[string]int
}

// Thread loads a question's answers, comments and topics and the viewer's
// votes on its posts, in one round trip to PostgreSQL.
func (st *Store) Thread(ctx context.Context, q Question, viewerID int64) (Thread, error) {
	t := Thread{MyVotes: map[string]int{}}
	batch := &pgx.Batch{}
	batch.Queue(answersSQL, q.ID, q.AcceptedAnswerID).Query(func(rows pgx.Rows) (err error) {
		t.Answers, err = pgx.CollectRows(rows, pgx.RowToStructByName[Answer])
		return err
	})
	batch.Queue(commentsSQL, q.ID).Query(func(rows pgx.Rows) (err error) {
		t.Comments, err = pgx.CollectRows(rows, pgx.RowToStructByName[Comment])
		return err
	})
	batch.Queue(topicsSQL, q.ID).Query(func(rows pgx.Rows) (err error) {
		t.Topics, err = pgx.CollectRows(rows, pgx.RowToStructByName[Topic])
		return err
	})
	batch.Queue(myVotesSQL, q.ID, viewerID).Query(func(rows pgx.Rows) error {
		var key string
		var v int
		_, err := pgx.ForEachRow(rows, []any{&key, &v}, func() error {
			t.MyVotes[key] = v
			return nil
		})
		return err
	})
	if err := st.pool.SendBatch(ctx, batch).Close(); err != nil {
		return Thread{}, fmt.Errorf("load the thread of question %d: %w", q.ID, err)
	}
	return t, nil
}
