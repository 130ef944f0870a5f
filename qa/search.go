package qa

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/search"
)

// SearchSource makes questions findable, with their answers' text.
type SearchSource struct {
	store *Store
	md    *markdown.Renderer
	// FileNumbers returns the file-number patterns of an agency, whose
	// matches are indexed as typed. Nil: none.
	FileNumbers func(ctx context.Context, agencyID int64) (*markdown.FileNumbers, error)
}

// NewSearchSource returns the questions' search source.
func NewSearchSource(store *Store, md *markdown.Renderer) *SearchSource {
	return &SearchSource{store: store, md: md}
}

// Kind is "question".
func (*SearchSource) Kind() string { return "question" }

type questionDoc struct {
	ID          int64    `db:"id"`
	SpaceID     int64    `db:"space_id"`
	SpaceSlug   string   `db:"space_slug"`
	AgencyID    int64    `db:"agency_id"`
	Title       string   `db:"title"`
	Body        string   `db:"body"`
	AnswerCount int      `db:"answer_count"`
	Answers     []string `db:"answers"`
	Topics      []string `db:"topics"`
	ActiveAt    int64    `db:"active_at"`
}

const docQuery = `SELECT q.id, q.space_id, s.slug AS space_slug, s.agency_id, q.title, q.body, q.answer_count,
	array(SELECT a.body FROM answers a WHERE a.question_id = q.id ORDER BY a.id = q.accepted_answer_id DESC, a.score DESC) AS answers,
	array(SELECT t.name FROM question_topics qt JOIN topics t ON t.id = qt.topic_id WHERE qt.question_id = q.id ORDER BY t.name) AS topics,
	extract(epoch FROM q.active_at)::bigint AS active_at
	FROM questions q JOIN spaces s ON s.id = q.space_id `

func (src *SearchSource) documents(ctx context.Context, rows pgx.Rows) ([]search.Document, error) {
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[questionDoc])
	if err != nil {
		return nil, fmt.Errorf("load questions for search: %w", err)
	}
	docs := make([]search.Document, 0, len(list))
	sets := map[int64]*markdown.FileNumbers{}
	for _, q := range list {
		files, ok := sets[q.AgencyID]
		if !ok && src.FileNumbers != nil {
			if files, err = src.FileNumbers(ctx, q.AgencyID); err != nil {
				return nil, err
			}
			sets[q.AgencyID] = files
		}
		var text strings.Builder
		var numbers []string
		for _, part := range append([]string{q.Body}, q.Answers...) {
			res, err := src.md.Render(part, markdown.Options{FileNumbers: files})
			if err != nil {
				return nil, err
			}
			text.WriteString(res.Text)
			text.WriteString("\n")
			for _, f := range res.FileNumbers {
				numbers = append(numbers, f.Text)
			}
		}
		for _, f := range files.Find(q.Title) {
			numbers = append(numbers, f.Text)
		}
		status := "unanswered"
		if q.AnswerCount > 0 {
			status = "answered"
		}
		docs = append(docs, search.Document{
			ID: search.DocumentID("question", q.ID), Type: "question", SpaceID: q.SpaceID, Space: q.SpaceSlug,
			Title: q.Title, Body: text.String(), Topics: q.Topics, Status: status, URL: QuestionURL(q.ID), UpdatedAt: q.ActiveAt,
			FileNumbers: search.FileNumberKeys(numbers),
		})
	}
	return docs, nil
}

// Documents loads the questions of ids.
func (src *SearchSource) Documents(ctx context.Context, ids []int64) ([]search.Document, error) {
	rows, _ := src.store.pool.Query(ctx, docQuery+`WHERE q.id = ANY($1)`, ids)
	return src.documents(ctx, rows)
}

// Each hands over all questions in batches, by id.
func (src *SearchSource) Each(ctx context.Context, size int, fn func([]search.Document) error) error {
	return search.EachAfter(ctx, "question", size, func(ctx context.Context, after int64, size int) ([]search.Document, error) {
		rows, _ := src.store.pool.Query(ctx, docQuery+`WHERE q.id > $1 ORDER BY q.id LIMIT $2`, after, size)
		return src.documents(ctx, rows)
	}, fn)
}

// Count is the number of questions.
func (src *SearchSource) Count(ctx context.Context) (int, error) {
	var n int
	err := src.store.pool.QueryRow(ctx, `SELECT count(*) FROM questions`).Scan(&n)
	return n, err
}

// EnqueueTopicQuestions puts the questions tagged with the topics into the
// search outbox, in the transaction that renamed or merged them.
func EnqueueTopicQuestions(ctx context.Context, tx pgx.Tx, topicIDs []int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO search_outbox (kind, item_id) SELECT DISTINCT 'question', question_id FROM question_topics WHERE topic_id = ANY($1)`, topicIDs)
	return err
}

// MergeTopic re-points the questions of a merged topic.
func MergeTopic(ctx context.Context, tx pgx.Tx, from, to int64) error {
	if _, err := tx.Exec(ctx, `INSERT INTO question_topics (question_id, topic_id) SELECT question_id, $2 FROM question_topics WHERE topic_id = $1
		ON CONFLICT DO NOTHING`, from, to); err != nil {
		return fmt.Errorf("merge question topics: %w", err)
	}
	_, err := tx.Exec(ctx, `DELETE FROM question_topics WHERE topic_id = $1`, from)
	return err
}

// EnqueueAgencyQuestions puts the questions of an agency's spaces into
// the search outbox, in the transaction that changed its file-number
// patterns.
func EnqueueAgencyQuestions(ctx context.Context, tx pgx.Tx, agencyID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO search_outbox (kind, item_id)
		SELECT 'question', q.id FROM questions q JOIN spaces s ON s.id = q.space_id WHERE s.agency_id = $1`, agencyID)
	if err != nil {
		return fmt.Errorf("queue the questions of agency %d for search: %w", agencyID, err)
	}
	return nil
}
