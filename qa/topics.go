package qa

import (
	"context"
	"strconv"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
)

// TopicSection lists, for a topic page, the questions on the topic or one
// below it that the viewer may read.
func (b *Board) TopicSection() topics.SectionSource {
	return topics.ListSection("qa.topic_section", b.readableBy, b.store.QuestionsOfTopics, func(q TopicQuestion) topics.SectionItem {
		return topics.SectionItem{Title: q.Title, URL: QuestionURL(q.ID), Meta: strconv.Itoa(q.AnswerCount) + " ↩"}
	})
}

// TopicCarriers tells the topic tree where questions carry topics, as the
// viewer sees them.
func (b *Board) TopicCarriers() topics.CarrierSource {
	return questionTagging.CarrierSource(b.store.pool, b.readableBy)
}

func (b *Board) readableBy(ctx context.Context, v *web.Viewer) []int64 {
	return b.spaces.Enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID, AgencyID: v.AgencyID})
}
