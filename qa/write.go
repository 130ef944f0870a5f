package qa

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// NewQuestion is a question as asked.
type NewQuestion struct {
	SpaceID  int64
	Title    string
	Body     string
	TopicIDs []int64
	AuthorID int64
}

// Ask stores a question with its first revision; after is run in the same
// transaction (for notifications).
func (st *Store) Ask(ctx context.Context, n NewQuestion, after func(tx pgx.Tx, id int64) error) (int64, error) {
	var id int64
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO questions (space_id, author_id, title, body) VALUES ($1, $2, $3, $4) RETURNING id`,
			n.SpaceID, n.AuthorID, n.Title, n.Body).Scan(&id); err != nil {
			return fmt.Errorf("insert question: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO post_revisions (post_type, post_id, number, title, body, author_id) VALUES ('question', $1, 1, $2, $3, $4)`,
			id, n.Title, n.Body, n.AuthorID); err != nil {
			return fmt.Errorf("question revision: %w", err)
		}
		return settle(ctx, tx, id, n.TopicIDs, after)
	})
	return id, err
}

// settle ends asking, whichever way a question came: it gets its topics,
// goes into the search outbox and after runs in the same transaction.
func settle(ctx context.Context, tx pgx.Tx, id int64, topicIDs []int64, after func(tx pgx.Tx, id int64) error) error {
	if err := setTopics(ctx, tx, id, topicIDs); err != nil {
		return err
	}
	if err := enqueue(ctx, tx, id); err != nil {
		return err
	}
	return runAfter(after, tx, id)
}

func runAfter(after func(tx pgx.Tx, id int64) error, tx pgx.Tx, id int64) error {
	if after == nil {
		return nil
	}
	return after(tx, id)
}

func setTopics(ctx context.Context, tx pgx.Tx, questionID int64, ids []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM question_topics WHERE question_id = $1 AND topic_id <> ALL($2)`, questionID, ids); err != nil {
		return fmt.Errorf("clear topics: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO question_topics (question_id, topic_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, questionID, ids); err != nil {
		return fmt.Errorf("store topics: %w", err)
	}
	return nil
}

// EditQuestion saves a new revision of a question, refusing to overwrite
// one saved since base.
func (st *Store) EditQuestion(ctx context.Context, id int64, base int, title, body string, topicIDs []int64, editor int64) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var rev int
		if err := tx.QueryRow(ctx, `SELECT revision FROM questions WHERE id = $1 FOR UPDATE`, id).Scan(&rev); err != nil {
			return fmt.Errorf("lock question: %w", err)
		}
		if rev != base {
			return errs.E(errs.Conflict, "qa.edit_conflict")
		}
		if _, err := tx.Exec(ctx, `UPDATE questions SET title = $2, body = $3, revision = $4, updated_at = now() WHERE id = $1`, id, title, body, rev+1); err != nil {
			return fmt.Errorf("update question: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO post_revisions (post_type, post_id, number, title, body, author_id) VALUES ('question', $1, $2, $3, $4, $5)`,
			id, rev+1, title, body, editor); err != nil {
			return fmt.Errorf("question revision: %w", err)
		}
		if err := setTopics(ctx, tx, id, topicIDs); err != nil {
			return err
		}
		return enqueue(ctx, tx, id)
	})
}

// AddAnswer stores an answer to an open question.
func (st *Store) AddAnswer(ctx context.Context, questionID, author int64, body string, after func(tx pgx.Tx, id int64) error) (int64, error) {
	var id int64
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var closed bool
		if err := tx.QueryRow(ctx, `SELECT closed_at IS NOT NULL FROM questions WHERE id = $1 FOR UPDATE`, questionID).Scan(&closed); err != nil {
			return fmt.Errorf("lock question: %w", err)
		}
		if closed {
			return errs.E(errs.Conflict, "qa.closed")
		}
		if err := tx.QueryRow(ctx, `INSERT INTO answers (question_id, author_id, body) VALUES ($1, $2, $3) RETURNING id`, questionID, author, body).Scan(&id); err != nil {
			return fmt.Errorf("insert answer: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO post_revisions (post_type, post_id, number, body, author_id) VALUES ('answer', $1, 1, $2, $3)`, id, body, author); err != nil {
			return fmt.Errorf("answer revision: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE questions SET answer_count = answer_count + 1, active_at = now() WHERE id = $1`, questionID); err != nil {
			return err
		}
		if err := enqueue(ctx, tx, questionID); err != nil {
			return err
		}
		return runAfter(after, tx, id)
	})
	return id, err
}

// EditAnswer saves a new revision of an answer.
func (st *Store) EditAnswer(ctx context.Context, a Answer, base int, body string, editor int64) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var rev int
		if err := tx.QueryRow(ctx, `SELECT revision FROM answers WHERE id = $1 FOR UPDATE`, a.ID).Scan(&rev); err != nil {
			return fmt.Errorf("lock answer: %w", err)
		}
		if rev != base {
			return errs.E(errs.Conflict, "qa.edit_conflict")
		}
		if _, err := tx.Exec(ctx, `UPDATE answers SET body = $2, revision = $3, updated_at = now() WHERE id = $1`, a.ID, body, rev+1); err != nil {
			return fmt.Errorf("update answer: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO post_revisions (post_type, post_id, number, body, author_id) VALUES ('answer', $1, $2, $3, $4)`,
			a.ID, rev+1, body, editor); err != nil {
			return fmt.Errorf("answer revision: %w", err)
		}
		return enqueue(ctx, tx, a.QuestionID)
	})
}

// AddComment stores a comment on a question (answerID nil) or an answer.
func (st *Store) AddComment(ctx context.Context, questionID int64, answerID *int64, author int64, body string, after func(tx pgx.Tx, id int64) error) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO comments (question_id, answer_id, author_id, body) VALUES ($1, $2, $3, $4) RETURNING id`,
			questionID, answerID, author, body).Scan(&id); err != nil {
			return fmt.Errorf("insert comment: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE questions SET active_at = now() WHERE id = $1`, questionID); err != nil {
			return err
		}
		return runAfter(after, tx, id)
	})
}

// Vote records a person's vote on a post: +1 or -1, or 0 to take it back.
// The same vote twice is refused, a changed vote replaces the old one; the
// post's score follows in the same transaction.
func (st *Store) Vote(ctx context.Context, postType string, postID, voter int64, value int) (int, error) {
	table := map[string]string{"question": "questions", "answer": "answers"}[postType]
	if table == "" {
		return 0, errs.E(errs.NotFound, "error.not_found")
	}
	var score int
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var author *int64
		if err := tx.QueryRow(ctx, `SELECT author_id FROM `+table+` WHERE id = $1 FOR UPDATE`, postID).Scan(&author); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return errs.E(errs.NotFound, "error.not_found")
			}
			return err
		}
		if author != nil && *author == voter {
			return errs.E(errs.Forbidden, "qa.vote.own_post")
		}
		var old int
		err := tx.QueryRow(ctx, `SELECT value FROM votes WHERE post_type = $1 AND post_id = $2 AND account_id = $3`, postType, postID, voter).Scan(&old)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		switch {
		case value == old && value != 0:
			return errs.E(errs.Conflict, "qa.vote.twice")
		case value == 0 && old == 0:
			return errs.E(errs.Conflict, "qa.vote.none")
		case value == 0:
			_, err = tx.Exec(ctx, `DELETE FROM votes WHERE post_type = $1 AND post_id = $2 AND account_id = $3`, postType, postID, voter)
		default:
			_, err = tx.Exec(ctx, `INSERT INTO votes (post_type, post_id, account_id, value) VALUES ($1, $2, $3, $4)
				ON CONFLICT (post_type, post_id, account_id) DO UPDATE SET value = excluded.value, created_at = now()`, postType, postID, voter, value)
		}
		if err != nil {
			return fmt.Errorf("store vote: %w", err)
		}
		return tx.QueryRow(ctx, `UPDATE `+table+` SET score = score + $2 WHERE id = $1 RETURNING score`, postID, value-old).Scan(&score)
	})
	return score, err
}

// Accept marks an answer as the accepted one (or none, with answerID 0).
func (st *Store) Accept(ctx context.Context, questionID, answerID int64, after func(tx pgx.Tx, id int64) error) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var accepted *int64
		if answerID != 0 {
			accepted = &answerID
		}
		tag, err := tx.Exec(ctx, `UPDATE questions SET accepted_answer_id = $2, active_at = now() WHERE id = $1
			AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM answers WHERE id = $2 AND question_id = $1))`, questionID, accepted)
		if err != nil {
			return fmt.Errorf("accept answer: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errs.E(errs.NotFound, "error.not_found")
		}
		if err := enqueue(ctx, tx, questionID); err != nil {
			return err
		}
		if answerID == 0 {
			return nil
		}
		return runAfter(after, tx, answerID)
	})
}

// Close closes a question with a reason, optionally as a duplicate.
func (st *Store) Close(ctx context.Context, questionID, by int64, reason string, duplicateOf *int64) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE questions SET closed_at = now(), closed_by = $2, close_reason = $3, duplicate_of = $4 WHERE id = $1`,
			questionID, by, reason, duplicateOf)
		if err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "23514" {
				return errs.E(errs.Invalid, "qa.duplicate_self").OnField("duplicate")
			}
			return fmt.Errorf("close question: %w", err)
		}
		return enqueue(ctx, tx, questionID)
	})
}

// Reopen lets a closed question take answers again.
func (st *Store) Reopen(ctx context.Context, questionID int64) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE questions SET closed_at = NULL, closed_by = NULL, close_reason = NULL, duplicate_of = NULL WHERE id = $1`, questionID); err != nil {
			return fmt.Errorf("reopen question: %w", err)
		}
		return enqueue(ctx, tx, questionID)
	})
}

// PromoteOnce records the wiki page create makes for a question, holding
// the question's row meanwhile: a second "take into the wiki" (a double
// click, a colleague at the same time) waits and is refused instead of
// making a second page.
func (st *Store) PromoteOnce(ctx context.Context, questionID int64, create func() (int64, error)) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		var current *int64
		if err := tx.QueryRow(ctx, `SELECT wiki_page_id FROM questions WHERE id = $1 FOR UPDATE`, questionID).Scan(&current); err != nil {
			return fmt.Errorf("lock question %d: %w", questionID, err)
		}
		if current != nil {
			return errs.E(errs.Conflict, "qa.promote.done")
		}
		pageID, err := create()
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE questions SET wiki_page_id = $2 WHERE id = $1`, questionID, pageID)
		return err
	})
}

// DefaultSpace is the organisation space of an agency, where questions go
// unless the asker chooses another.
func (st *Store) DefaultSpace(ctx context.Context, agencyID int64) (int64, error) {
	var id int64
	err := st.pool.QueryRow(ctx, `SELECT id FROM spaces WHERE agency_id = $1 AND visibility = 'organisation' AND archived_at IS NULL ORDER BY id LIMIT 1`, agencyID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, err
}
