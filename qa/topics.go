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
func (b *Board) TopicSection(ctx context.Context, v *web.Viewer, topicIDs []int64) (topics.Section, error) {
	readable := b.spaces.Enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID, AgencyID: v.AgencyID})
	list, err := b.store.QuestionsOfTopics(ctx, topicIDs, readable)
	if err != nil {
		return topics.Section{}, err
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
