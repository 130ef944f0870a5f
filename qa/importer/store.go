package importer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Kinds of rows in import_sources.
const (
	kindQuestion = "question"
	kindAnswer   = "answer"
	kindComment  = "comment"
	kindAccount  = "account"
	kindTopic    = "topic"
)

// recorded loads what earlier runs imported from source, of one kind:
// external id → local id.
func recorded(ctx context.Context, q postgres.Querier, source, kind string) (map[string]int64, error) {
	rows, _ := q.Query(ctx, `SELECT external_id, local_id FROM import_sources WHERE source = $1 AND kind = $2`, source, kind)
	return postgres.Map[string, int64](rows, "load import sources")
}

// sourceRow is one row of import_sources.
type sourceRow struct {
	kind, external string
	local          int64
}

// record notes imported rows; rows noted before stay as they are.
func record(ctx context.Context, q postgres.Querier, source string, rows []sourceRow) error {
	if len(rows) == 0 {
		return nil
	}
	kinds, exts, locals := make([]string, len(rows)), make([]string, len(rows)), make([]int64, len(rows))
	for i, r := range rows {
		kinds[i], exts[i], locals[i] = r.kind, r.external, r.local
	}
	_, err := q.Exec(ctx, `INSERT INTO import_sources (source, kind, external_id, local_id)
		SELECT $1, unnest($2::text[]), unnest($3::text[]), unnest($4::bigint[])
		ON CONFLICT DO NOTHING`, source, kinds, exts, locals)
	if err != nil {
		return fmt.Errorf("record import sources: %w", err)
	}
	return nil
}

// placeholder is an account that stands for a dump user: it cannot sign
// in (no password, disabled) and only carries the name shown as author.
type placeholder struct {
	AgencyID    int64
	Email       string
	DisplayName string
	Handle      string
}

// errTaken means the handle or e-mail address belongs to another account.
var errTaken = errors.New("handle or e-mail address taken")

func insertPlaceholder(ctx context.Context, tx pgx.Tx, p placeholder) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO accounts (agency_id, email, display_name, handle, disabled_at)
		VALUES ($1, $2, $3, $4, now())
		ON CONFLICT DO NOTHING
		RETURNING id`, p.AgencyID, p.Email, p.DisplayName, p.Handle).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, errTaken
	}
	if err != nil {
		return 0, fmt.Errorf("insert account: %w", err)
	}
	return id, nil
}

// newQuestion is a question row as imported.
type newQuestion struct {
	SpaceID     int64
	AuthorID    *int64
	Title, Body string
	Score       int
	AnswerCount int
	ClosedAt    *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ActiveAt    time.Time
}

func insertQuestion(ctx context.Context, tx pgx.Tx, q newQuestion) (int64, error) {
	return postgres.Value[int64](tx.QueryRow(ctx, `INSERT INTO questions (space_id, author_id, title, body, score, answer_count, closed_at, created_at, updated_at, active_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING id`,
		q.SpaceID, q.AuthorID, q.Title, q.Body, q.Score, q.AnswerCount, q.ClosedAt, q.CreatedAt, q.UpdatedAt, q.ActiveAt), "insert question")
}

// newAnswer is an answer row as imported.
type newAnswer struct {
	QuestionID int64
	AuthorID   *int64
	Body       string
	Score      int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func insertAnswer(ctx context.Context, tx pgx.Tx, a newAnswer) (int64, error) {
	return postgres.Value[int64](tx.QueryRow(ctx, `INSERT INTO answers (question_id, author_id, body, score, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id`, a.QuestionID, a.AuthorID, a.Body, a.Score, a.CreatedAt, a.UpdatedAt), "insert answer")
}

// insertRevision keeps the imported text as revision 1 of its post; the
// dump's earlier versions (PostHistory.xml) are not imported.
func insertRevision(ctx context.Context, tx pgx.Tx, postType string, postID int64, title *string, body string, authorID *int64, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO post_revisions (post_type, post_id, number, title, body, author_id, created_at)
		VALUES ($1, $2, 1, $3, $4, $5, $6)`, postType, postID, title, body, authorID, at)
	if err != nil {
		return fmt.Errorf("insert revision: %w", err)
	}
	return nil
}

func insertComment(ctx context.Context, tx pgx.Tx, questionID int64, answerID, authorID *int64, body string, at time.Time) (int64, error) {
	return postgres.Value[int64](tx.QueryRow(ctx, `INSERT INTO comments (question_id, answer_id, author_id, body, created_at)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING id`, questionID, answerID, authorID, body, at), "insert comment")
}

func setAccepted(ctx context.Context, tx pgx.Tx, questionID, answerID int64) error {
	if _, err := tx.Exec(ctx, `UPDATE questions SET accepted_answer_id = $2 WHERE id = $1`, questionID, answerID); err != nil {
		return fmt.Errorf("set accepted answer: %w", err)
	}
	return nil
}

func tagQuestion(ctx context.Context, tx pgx.Tx, questionID int64, topicIDs []int64) error {
	if len(topicIDs) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO question_topics (question_id, topic_id)
		SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, questionID, topicIDs)
	if err != nil {
		return fmt.Errorf("tag question: %w", err)
	}
	return nil
}
