package qa

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/trash"
)

// postSnapshot is a trashed question, answer or comment with what hangs on
// it. References from other rows that the deletion cleared (questions
// closed as its duplicates, the acceptance of an answer) are kept to be
// set again.
type postSnapshot struct {
	Questions  json.RawMessage `json:"questions,omitempty"`
	Answers    json.RawMessage `json:"answers,omitempty"`
	Comments   json.RawMessage `json:"comments,omitempty"`
	Revisions  json.RawMessage `json:"post_revisions,omitempty"`
	Votes      json.RawMessage `json:"votes,omitempty"`
	Topics     json.RawMessage `json:"question_topics,omitempty"`
	TopicSlugs json.RawMessage `json:"topic_slugs,omitempty"`
	Incoming   json.RawMessage `json:"incoming,omitempty"`
	// Refs are the question's own references, set again once their
	// targets are back: accepted answer, duplicate of, wiki page.
	Refs     *questionRefs `json:"refs,omitempty"`
	Accepted bool          `json:"accepted,omitempty"`
}

type questionRefs struct {
	Accepted  *int64 `json:"accepted_answer_id"`
	Duplicate *int64 `json:"duplicate_of"`
	WikiPage  *int64 `json:"wiki_page_id"`
}

type step struct {
	table, where string
	into         *json.RawMessage
}

func takeRows(ctx context.Context, tx pgx.Tx, steps []step, args ...any) error {
	for _, s := range steps {
		rows, err := trash.Rows(ctx, tx, s.table, s.where, args...)
		if err != nil {
			return err
		}
		*s.into = rows
	}
	return nil
}

func label(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return text
}

// TrashQuestion moves a question with its answers, comments, revisions,
// votes and topics into the space's trash. With unanswered, only a question
// without answers goes: an author's, who may not take answers with it. The
// count is read under the lock that answering takes too.
func (st *Store) TrashQuestion(ctx context.Context, t *trash.Trash, q Question, by int64, unanswered bool) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		snap := postSnapshot{Refs: &questionRefs{}}
		var answers int
		err := tx.QueryRow(ctx, `SELECT accepted_answer_id, duplicate_of, wiki_page_id, answer_count FROM questions WHERE id = $1 FOR UPDATE`, q.ID).
			Scan(&snap.Refs.Accepted, &snap.Refs.Duplicate, &snap.Refs.WikiPage, &answers)
		if err != nil {
			return postgres.Found(err, "trash question")
		}
		if unanswered && answers > 0 {
			return errs.E(errs.Forbidden, "trash.qa.question_forbidden")
		}
		// Other questions closed as duplicates of this one.
		if snap.Incoming, err = trash.Incoming(ctx, tx, "questions", []int64{q.ID}); err != nil {
			return err
		}
		if snap.TopicSlugs, err = trash.TopicSlugs(ctx, tx, "question_topics", "question_id", []int64{q.ID}); err != nil {
			return err
		}
		posts := `(t.post_type = 'question' AND t.post_id = $1 OR t.post_type = 'answer' AND t.post_id IN (SELECT id FROM answers WHERE question_id = $1))`
		err = takeRows(ctx, tx, []step{
			{"votes", posts, &snap.Votes},
			{"post_revisions", posts, &snap.Revisions},
			{"comments", "t.question_id = $1", &snap.Comments},
			{"question_topics", "t.question_id = $1", &snap.Topics},
			{"answers", "t.question_id = $1", &snap.Answers},
			{"questions", "t.id = $1", &snap.Questions},
		}, q.ID)
		if err != nil {
			return err
		}
		if err := enqueue(ctx, tx, q.ID); err != nil {
			return err
		}
		return t.Put(ctx, tx, trash.Entry{SpaceID: q.SpaceID, Kind: trash.Question, ItemID: q.ID, Label: q.Title,
			By: by, Snapshot: snap})
	})
}

func restoreQuestion(ctx context.Context, tx pgx.Tx, it trash.Item) (string, error) {
	var snap postSnapshot
	if err := json.Unmarshal(it.Snapshot, &snap); err != nil || snap.Refs == nil {
		return "", fmt.Errorf("read trashed question: %v", err)
	}
	// The question goes in without its references; they are set below
	// when their targets exist.
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal(snap.Questions, &rows); err != nil {
		return "", fmt.Errorf("read trashed question: %w", err)
	}
	for _, r := range rows {
		delete(r, "accepted_answer_id")
		delete(r, "duplicate_of")
		delete(r, "wiki_page_id")
	}
	questions, err := json.Marshal(rows)
	if err != nil {
		return "", err
	}
	if err := trash.ReinsertAll(ctx, tx, trash.Part{Table: "questions", Rows: questions}, trash.Part{Table: "answers", Rows: snap.Answers},
		trash.Part{Table: "comments", Rows: snap.Comments}, trash.Part{Table: "post_revisions", Rows: snap.Revisions},
		trash.Part{Table: "votes", Rows: snap.Votes, SkipConflicts: true}); err != nil {
		return "", err
	}
	if err := trash.ReinsertTopics(ctx, tx, "question_topics", "question_id", snap.Topics, snap.TopicSlugs); err != nil {
		return "", err
	}
	r := snap.Refs
	if _, err := tx.Exec(ctx, `UPDATE questions SET
			accepted_answer_id = (SELECT id FROM answers WHERE id = $2 AND question_id = $1),
			duplicate_of = (SELECT id FROM questions WHERE id = $3),
			wiki_page_id = (SELECT id FROM pages WHERE id = $4)
		WHERE id = $1`, it.ItemID, r.Accepted, r.Duplicate, r.WikiPage); err != nil {
		return "", fmt.Errorf("restore question references: %w", err)
	}
	if err := trash.Reconnect(ctx, tx, snap.Incoming); err != nil {
		return "", err
	}
	return QuestionURL(it.ItemID), enqueue(ctx, tx, it.ItemID)
}

// TrashAnswer moves an answer with its comments, revisions and votes into
// the space's trash.
func (st *Store) TrashAnswer(ctx context.Context, t *trash.Trash, q Question, a Answer, by int64) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var snap postSnapshot
		if err := tx.QueryRow(ctx, `SELECT accepted_answer_id IS NOT DISTINCT FROM $2 FROM questions WHERE id = $1 FOR UPDATE`,
			q.ID, a.ID).Scan(&snap.Accepted); err != nil {
			return fmt.Errorf("trash answer: %w", err)
		}
		posts := `t.post_type = 'answer' AND t.post_id = $1`
		err := takeRows(ctx, tx, []step{
			{"votes", posts, &snap.Votes},
			{"post_revisions", posts, &snap.Revisions},
			{"comments", "t.answer_id = $1", &snap.Comments},
			{"answers", "t.id = $1", &snap.Answers},
		}, a.ID)
		if err != nil {
			return err
		}
		if string(snap.Answers) == "null" {
			return errs.E(errs.NotFound, "error.not_found")
		}
		if _, err := tx.Exec(ctx, `UPDATE questions SET answer_count = greatest(answer_count - 1, 0) WHERE id = $1`, q.ID); err != nil {
			return fmt.Errorf("trash answer: count: %w", err)
		}
		if err := enqueue(ctx, tx, q.ID); err != nil {
			return err
		}
		return t.Put(ctx, tx, replyEntry(q, trash.Answer, a.ID, a.Body, by, snap))
	})
}

// replyEntry is the trash entry of an answer or a comment of q.
func replyEntry(q Question, kind string, id int64, body string, by int64, snap postSnapshot) trash.Entry {
	return trash.Entry{SpaceID: q.SpaceID, Kind: kind, ItemID: id, Label: label(body), Place: q.Title, By: by, Snapshot: snap}
}

// replyRow says where a trashed answer or comment belongs.
type replyRow struct {
	QuestionID int64  `json:"question_id"`
	AnswerID   *int64 `json:"answer_id"` // a comment's answer; nil for answers
}

// unpackReply reads the snapshot of a trashed answer or comment and the
// row of the one that part picks.
func unpackReply(it trash.Item, part func(*postSnapshot) json.RawMessage, what string) (postSnapshot, replyRow, error) {
	var snap postSnapshot
	row, err := trash.Unpack[replyRow](it, &snap, func() json.RawMessage { return part(&snap) }, what)
	return snap, row, err
}

func restoreAnswer(ctx context.Context, tx pgx.Tx, it trash.Item) (string, error) {
	snap, answer, err := unpackReply(it, func(s *postSnapshot) json.RawMessage { return s.Answers }, "answer")
	if err != nil {
		return "", err
	}
	qid := answer.QuestionID
	tag, err := tx.Exec(ctx, `UPDATE questions SET answer_count = answer_count + 1 WHERE id = $1`, qid)
	if err != nil {
		return "", fmt.Errorf("restore answer: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return "", errs.E(errs.Conflict, "trash.question_gone")
	}
	if err := trash.ReinsertAll(ctx, tx, trash.Part{Table: "answers", Rows: snap.Answers}, trash.Part{Table: "comments", Rows: snap.Comments},
		trash.Part{Table: "post_revisions", Rows: snap.Revisions}, trash.Part{Table: "votes", Rows: snap.Votes, SkipConflicts: true}); err != nil {
		return "", err
	}
	if snap.Accepted {
		if _, err := tx.Exec(ctx, `UPDATE questions SET accepted_answer_id = $2 WHERE id = $1 AND accepted_answer_id IS NULL`, qid, it.ItemID); err != nil {
			return "", fmt.Errorf("restore acceptance: %w", err)
		}
	}
	return QuestionURL(qid) + "#antwort-" + strconv.FormatInt(it.ItemID, 10), enqueue(ctx, tx, qid)
}

// TrashComment moves a comment into the space's trash.
func (st *Store) TrashComment(ctx context.Context, t *trash.Trash, q Question, cm Comment, by int64) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var snap postSnapshot
		if err := takeRows(ctx, tx, []step{{"comments", "t.id = $1 AND t.question_id = $2", &snap.Comments}}, cm.ID, q.ID); err != nil {
			return err
		}
		if string(snap.Comments) == "null" {
			return errs.E(errs.NotFound, "error.not_found")
		}
		return t.Put(ctx, tx, replyEntry(q, trash.Comment, cm.ID, cm.Body, by, snap))
	})
}

func restoreComment(ctx context.Context, tx pgx.Tx, it trash.Item) (string, error) {
	snap, comment, err := unpackReply(it, func(s *postSnapshot) json.RawMessage { return s.Comments }, "comment")
	if err != nil {
		return "", err
	}
	var ok bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM questions WHERE id = $1)
		AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM answers WHERE id = $2))`, comment.QuestionID, comment.AnswerID).Scan(&ok); err != nil {
		return "", fmt.Errorf("restore comment: %w", err)
	}
	if !ok {
		return "", errs.E(errs.Conflict, "trash.question_gone")
	}
	if err := trash.Reinsert(ctx, tx, "comments", snap.Comments, false); err != nil {
		return "", err
	}
	return QuestionURL(comment.QuestionID), nil
}

// CommentByID loads a comment of a question.
func (st *Store) CommentByID(ctx context.Context, questionID, id int64) (Comment, error) {
	rows, _ := st.pool.Query(ctx, `SELECT c.id, c.answer_id, c.author_id, coalesce(a.display_name, '') AS author_name, c.body, c.created_at
		FROM comments c LEFT JOIN accounts a ON a.id = c.author_id WHERE c.id = $1 AND ($2 = 0 OR c.question_id = $2)`, id, questionID)
	return postgres.One[Comment](rows, "load comment")
}

// QuestionOfComment is the question a comment belongs to.
func (st *Store) QuestionOfComment(ctx context.Context, id int64) (int64, error) {
	return postgres.Value[int64](st.pool.QueryRow(ctx, `SELECT question_id FROM comments WHERE id = $1`, id), "question of comment")
}
