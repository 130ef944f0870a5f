package qa

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
)

// TopicSection lists, for a topic page, the questions on the topic or one
// below it that the viewer may read.
func (b *Board) TopicSection(ctx context.Context, v *web.Viewer, topicIDs []int64) (topics.Section, error) {
	readable := b.spaces.Enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID, AgencyID: v.AgencyID})
	rows, _ := b.store.pool.Query(ctx, `SELECT DISTINCT q.id, q.title, q.answer_count, q.created_at FROM question_topics qt
		JOIN questions q ON q.id = qt.question_id WHERE qt.topic_id = ANY($1) AND q.space_id = ANY($2)
		ORDER BY q.created_at DESC LIMIT 20`, topicIDs, readable)
	type row struct {
		ID          int64  `db:"id"`
		Title       string `db:"title"`
		AnswerCount int    `db:"answer_count"`
		CreatedAt   any    `db:"created_at"`
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	if err != nil {
		return topics.Section{}, fmt.Errorf("questions of topic: %w", err)
	}
	sec := topics.Section{TitleKey: "qa.topic_section"}
	for _, r := range list {
		sec.Items = append(sec.Items, topics.SectionItem{Title: r.Title, URL: QuestionURL(r.ID), Meta: strconv.Itoa(r.AnswerCount) + " ↩"})
	}
	return sec, nil
}

// TopicCarriers tells the topic tree where questions carry topics, as v sees
// them: an unsorted proposal is visible only to readers of content that
// carries it.
func (b *Board) TopicCarriers(ctx context.Context, v *web.Viewer, topicIDs []int64) (map[int64]topics.Carried, error) {
	readable := b.spaces.Enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID, AgencyID: v.AgencyID})
	return b.store.TopicCarriers(ctx, topicIDs, readable)
}
