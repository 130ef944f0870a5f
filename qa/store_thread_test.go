package qa

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "qa", &db)) }

// The page's thread holds what the single lookups give, and the viewer's
// own votes only.
func TestThreadHoldsAnswersCommentsTopicsAndOwnVotes(t *testing.T) {
	ctx := context.Background()
	st := NewStore(db.Pool)
	n := time.Now().UnixNano() % 1e9
	agency := db.Int(t, `INSERT INTO agencies (slug, name) VALUES ($1, 'Behörde') RETURNING id`, fmt.Sprintf("ag-%d", n))
	space := db.Int(t, `INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Offen', $2, 'organisation') RETURNING id`, fmt.Sprintf("sp-%d", n), agency)
	person := func(name string) int64 {
		h := fmt.Sprintf("%s-%d", name, n)
		return db.Int(t, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, $3, $4) RETURNING id`, agency, h+"@example.org", name, h)
	}
	asker, answerer, viewer, other := person("asker"), person("answerer"), person("viewer"), person("other")
	q := db.Int(t, `INSERT INTO questions (space_id, author_id, title, body) VALUES ($1, $2, 'Wie geht Vergabe?', 'Frage') RETURNING id`, space, asker)
	first := db.Int(t, `INSERT INTO answers (question_id, author_id, body, score) VALUES ($1, $2, 'Erste', 1) RETURNING id`, q, answerer)
	accepted := db.Int(t, `INSERT INTO answers (question_id, author_id, body) VALUES ($1, $2, 'Akzeptiert') RETURNING id`, q, viewer)
	db.Int(t, `UPDATE questions SET accepted_answer_id = $2 WHERE id = $1 RETURNING id`, q, accepted)
	for i, slug := range []string{"zoll", "abgaben"} {
		topic := db.Int(t, `INSERT INTO topics (slug, name) VALUES ($1, $2) RETURNING id`, fmt.Sprintf("%s-%d", slug, n), fmt.Sprintf("%s %d %d", slug, n, i))
		db.Int(t, `INSERT INTO question_topics (question_id, topic_id) VALUES ($1, $2) RETURNING topic_id`, q, topic)
	}
	db.Int(t, `INSERT INTO comments (question_id, author_id, body) VALUES ($1, $2, 'Zur Frage') RETURNING id`, q, other)
	db.Int(t, `INSERT INTO comments (question_id, answer_id, author_id, body) VALUES ($1, $2, $3, 'Zur Antwort') RETURNING id`, q, first, viewer)
	for _, v := range []struct {
		kind    string
		post    int64
		account int64
		value   int
	}{{"question", q, viewer, 1}, {"answer", first, viewer, -1}, {"answer", first, other, 1}, {"question", q, other, -1}} {
		db.Int(t, `INSERT INTO votes (post_type, post_id, account_id, value) VALUES ($1, $2, $3, $4) RETURNING post_id`, v.kind, v.post, v.account, v.value)
	}

	question, err := st.QuestionByID(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	thread, err := st.Thread(ctx, question, viewer)
	if err != nil {
		t.Fatal(err)
	}
	// The same queries, each on its own, as the reference.
	rows, _ := db.Pool.Query(ctx, answersSQL, q, question.AcceptedAnswerID)
	answers, _ := pgx.CollectRows(rows, pgx.RowToStructByName[Answer])
	rows, _ = db.Pool.Query(ctx, commentsSQL, q)
	comments, _ := pgx.CollectRows(rows, pgx.RowToStructByName[Comment])
	topics, _ := st.Topics(ctx, q)
	if len(thread.Answers) != 2 || thread.Answers[0].ID != accepted || !reflect.DeepEqual(thread.Answers, answers) {
		t.Errorf("answers, the accepted one first:\n got %+v\nwant %+v", thread.Answers, answers)
	}
	if len(thread.Comments) != 2 || !reflect.DeepEqual(thread.Comments, comments) {
		t.Errorf("comments:\n got %+v\nwant %+v", thread.Comments, comments)
	}
	if len(thread.Topics) != 2 || !reflect.DeepEqual(thread.Topics, topics) {
		t.Errorf("topics:\n got %+v\nwant %+v", thread.Topics, topics)
	}
	want := fmt.Sprint(map[string]int{fmt.Sprintf("question-%d", q): 1, fmt.Sprintf("answer-%d", first): -1})
	if got := fmt.Sprint(thread.MyVotes); got != want {
		t.Errorf("the viewer's votes: got %s, want %s", got, want)
	}
	if thread, err = st.Thread(ctx, question, asker); err != nil || len(thread.MyVotes) != 0 {
		t.Errorf("someone who did not vote sees votes: %v %v", thread.MyVotes, err)
	}
}
