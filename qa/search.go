package qa

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/search"
)

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

// SearchSource makes questions findable, with their answers' text.
type SearchSource struct {
	*search.TextSource
	md *markdown.Renderer
}

// NewSearchSource returns the questions' search source.
func NewSearchSource(store *Store, md *markdown.Renderer, fileNumbers search.FileNumbersOf) *SearchSource {
	src := &SearchSource{md: md}
	src.TextSource = search.NewTextSource(store.pool, search.DocumentQuery{Kind: "question", Select: docQuery, ID: "q.id",
		Count: `SELECT count(*) FROM questions`, Read: src.documents, Table: "questions",
		Topics: questionTagging.Tagged(store.pool),
	}, fileNumbers)
	return src
}

func (src *SearchSource) documents(ctx context.Context, rows pgx.Rows) ([]search.Document, error) {
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[questionDoc])
	if err != nil {
		return nil, fmt.Errorf("load questions for search: %w", err)
	}
	docs := make([]search.Document, 0, len(list))
	sets := src.Sets()
	for _, q := range list {
		files, err := sets.Of(ctx, q.AgencyID)
		if err != nil {
			return nil, err
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
