package qa

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
)

// Question is a question with what its page shows at the top.
type Question struct {
	ID            int64  `db:"id" json:"id"`
	SpaceID       int64  `db:"space_id" json:"-"`
	SpaceSlug     string `db:"space_slug" json:"space"`
	SpaceName     string `db:"space_name" json:"-"`
	SpaceLanguage string `db:"space_language" json:"-"`
	AuthorID      *int64 `db:"author_id" json:"-"`
	AuthorName    string `db:"author_name" json:"author"`
	// FromMail: published from a mail thread; without an author, by
	// someone without an account (extern).
	FromMail         bool       `db:"from_mail" json:"from_mail"`
	Title            string     `db:"title" json:"title"`
	Body             string     `db:"body" json:"body"`
	Revision         int        `db:"revision" json:"revision"`
	Score            int        `db:"score" json:"score"`
	AcceptedAnswerID *int64     `db:"accepted_answer_id" json:"accepted_answer_id"`
	AnswerCount      int        `db:"answer_count" json:"answer_count"`
	ClosedAt         *time.Time `db:"closed_at" json:"closed_at,omitempty"`
	CloseReason      string     `db:"close_reason" json:"close_reason,omitempty"`
	DuplicateOf      *int64     `db:"duplicate_of" json:"duplicate_of,omitempty"`
	WikiPageID       *int64     `db:"wiki_page_id" json:"-"`
	WikiSpaceID      *int64     `db:"wiki_space_id" json:"-"`
	WikiURL          *string    `db:"wiki_url" json:"wiki_url,omitempty"` // cleared for who may not read the page's space (showWiki)
	CreatedAt        time.Time  `db:"created_at" json:"created_at"`
	ActiveAt         time.Time  `db:"active_at" json:"active_at"`
}

// Closed reports whether the question takes no more answers.
func (q Question) Closed() bool { return q.ClosedAt != nil }

// Answer is an answer to a question.
type Answer struct {
	ID         int64     `db:"id" json:"id"`
	QuestionID int64     `db:"question_id" json:"question_id"`
	AuthorID   *int64    `db:"author_id" json:"-"`
	AuthorName string    `db:"author_name" json:"author"`
	FromMail   bool      `db:"from_mail" json:"from_mail"`
	Body       string    `db:"body" json:"body"`
	Revision   int       `db:"revision" json:"revision"`
	Score      int       `db:"score" json:"score"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
	UpdatedAt  time.Time `db:"updated_at" json:"updated_at"`
}

// Comment is a short remark on a question or an answer.
type Comment struct {
	ID         int64     `db:"id" json:"id"`
	AnswerID   *int64    `db:"answer_id" json:"answer_id"`
	AuthorID   *int64    `db:"author_id" json:"-"`
	AuthorName string    `db:"author_name" json:"author"`
	Body       string    `db:"body" json:"body"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
	// CanDelete: the reader may move it to the trash.
	CanDelete bool `db:"-" json:"-"`
}

// Store holds the Q&A board's SQL.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

const questionColumns = `q.id, q.space_id, s.slug AS space_slug, s.name AS space_name, s.language AS space_language, q.author_id, coalesce(a.display_name, '') AS author_name, q.from_mail,
	q.title, q.body, q.revision, q.score, q.accepted_answer_id, q.answer_count, q.closed_at, coalesce(q.close_reason, '') AS close_reason, q.duplicate_of,
	q.wiki_page_id, p.space_id AS wiki_space_id, CASE WHEN p.id IS NOT NULL THEN '/bereiche/' || ps.slug || '/seiten/' || p.slug END AS wiki_url,
	q.created_at, q.active_at`

const questionFrom = ` FROM questions q JOIN spaces s ON s.id = q.space_id LEFT JOIN accounts a ON a.id = q.author_id
	LEFT JOIN pages p ON p.id = q.wiki_page_id LEFT JOIN spaces ps ON ps.id = p.space_id `

// QuestionByID loads a question.
func (st *Store) QuestionByID(ctx context.Context, id int64) (Question, error) {
	rows, _ := st.pool.Query(ctx, `SELECT `+questionColumns+questionFrom+`WHERE q.id = $1`, id)
	return postgres.One[Question](rows, "load question")
}

// Filter selects questions for a list.
type Filter struct {
	Spaces     []int64 // readable spaces: the only ones listed
	Space      int64
	TopicIDs   []int64 // a topic and those below it
	Unanswered bool
	Open       bool // without an accepted answer
	Offset     int
	Limit      int
}

// Questions lists questions, newest first, with the total for paging.
func (st *Store) Questions(ctx context.Context, f Filter) ([]Question, int, error) {
	where := `q.space_id = ANY($1) AND ($2 = 0 OR q.space_id = $2)
		AND (coalesce(cardinality($3::bigint[]), 0) = 0 OR EXISTS (SELECT 1 FROM question_topics t WHERE t.question_id = q.id AND t.topic_id = ANY($3)))
		AND (NOT $4 OR q.answer_count = 0) AND (NOT $5 OR q.accepted_answer_id IS NULL)`
	args := []any{f.Spaces, f.Space, f.TopicIDs, f.Unanswered, f.Open}
	var total int
	if err := st.pool.QueryRow(ctx, `SELECT count(*) FROM questions q WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count questions: %w", err)
	}
	rows, _ := st.pool.Query(ctx, `SELECT `+questionColumns+questionFrom+`WHERE `+where+` ORDER BY q.created_at DESC, q.id DESC LIMIT $6 OFFSET $7`,
		append(args, f.Limit, f.Offset)...)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Question])
	if err != nil {
		return nil, 0, fmt.Errorf("list questions: %w", err)
	}
	return list, total, nil
}

// AnswerByID loads an answer.
func (st *Store) AnswerByID(ctx context.Context, id int64) (Answer, error) {
	rows, _ := st.pool.Query(ctx, `SELECT x.id, x.question_id, x.author_id, coalesce(a.display_name, '') AS author_name, x.from_mail, x.body, x.revision, x.score, x.created_at, x.updated_at
		FROM answers x LEFT JOIN accounts a ON a.id = x.author_id WHERE x.id = $1`, id)
	return postgres.One[Answer](rows, "load answer")
}

// Topic is a topic as a question shows it.
type Topic struct {
	ID   int64  `db:"id" json:"-"`
	Slug string `db:"slug" json:"slug"`
	Name string `db:"name" json:"name"`
}

// Topics lists a question's topics.
func (st *Store) Topics(ctx context.Context, questionID int64) ([]Topic, error) {
	rows, _ := st.pool.Query(ctx, topicsSQL, questionID)
	return postgres.All[Topic](rows, "topics of question")
}

// enqueue puts a question into the search outbox; its document carries
// its answers' text too, so answers re-index their question.
func enqueue(ctx context.Context, tx pgx.Tx, questionID int64) error {
	return search.Enqueue(ctx, tx, "question", questionID)
}
