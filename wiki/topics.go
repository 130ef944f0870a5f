package wiki

import (
	"context"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
)

// TopicSection lists, for a topic page, the pages tagged with the topic or
// one below it that the viewer may read.
func (wk *Wiki) TopicSection() topics.SectionSource {
	return topics.ListSection("wiki.topic_section", wk.readableBy, wk.store.PagesOfTopics, func(r PageRef) topics.SectionItem {
		return topics.SectionItem{Title: r.Title, URL: PageURL(r.SpaceSlug, r.Slug), Meta: r.SpaceSlug}
	})
}

// TopicCarriers tells the topic tree where pages carry topics, as the
// viewer sees them.
func (wk *Wiki) TopicCarriers() topics.CarrierSource {
	return pageTagging.CarrierSource(wk.store.pool, wk.readableBy)
}

func (wk *Wiki) readableBy(ctx context.Context, v *web.Viewer) []int64 {
	return wk.spaces.Enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID, AgencyID: v.AgencyID})
}
