package wiki

import (
	"context"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
)

// TopicSection lists, for a topic page, the pages tagged with the topic or
// one below it that the viewer may read.
func (wk *Wiki) TopicSection(ctx context.Context, v *web.Viewer, topicIDs []int64) (topics.Section, error) {
	readable := wk.spaces.Enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID, AgencyID: v.AgencyID})
	refs, err := wk.store.PagesOfTopics(ctx, topicIDs, readable)
	if err != nil {
		return topics.Section{}, err
	}
	sec := topics.Section{TitleKey: "wiki.topic_section"}
	for _, r := range refs {
		sec.Items = append(sec.Items, topics.SectionItem{Title: r.Title, URL: PageURL(r.SpaceSlug, r.Slug), Meta: r.SpaceSlug})
	}
	return sec, nil
}

// TopicCarriers tells the topic tree where pages carry topics, as v sees
// them: an unsorted proposal is visible only to readers of content that
// carries it.
func (wk *Wiki) TopicCarriers(ctx context.Context, v *web.Viewer, topicIDs []int64) (map[int64]topics.Carried, error) {
	readable := wk.spaces.Enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID, AgencyID: v.AgencyID})
	return wk.store.TopicCarriers(ctx, topicIDs, readable)
}
