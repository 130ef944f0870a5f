package topics

import (
	"context"

	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/web"
)

// Tagging is a table that tags an area's items with topics, such as
// page_topics(page_id, topic_id): the topic page, the visibility of
// proposals, merges and the search read every tagging alike.
type Tagging struct {
	Table string // the tagging table, e.g. "page_topics"
	Item  string // its column of the item's id, e.g. "page_id"
	Items string // the items' table, with id and space_id, e.g. "pages"
}

// Readable is the spaces whose content v may read.
type Readable func(ctx context.Context, v *web.Viewer) []int64

// CarrierSource tells the topic tree where the tagged items carry topics,
// as the viewer sees them: an unsorted proposal is visible only to
// readers of content that carries it.
func (t Tagging) CarrierSource(q postgres.Querier, readable Readable) CarrierSource {
	return func(ctx context.Context, v *web.Viewer, topicIDs []int64) (map[int64]Carried, error) {
		return t.Carriers(ctx, q, topicIDs, readable(ctx, v))
	}
}

// ListSection is a section of the topic page that lists an area's items
// on the topics in the spaces the viewer may read: list loads them, item
// shows one.
func ListSection[T any](titleKey string, readable Readable, list func(ctx context.Context, topicIDs, readable []int64) ([]T, error),
	item func(T) SectionItem,
) SectionSource {
	return func(ctx context.Context, v *web.Viewer, topicIDs []int64) (Section, error) {
		found, err := list(ctx, topicIDs, readable(ctx, v))
		if err != nil {
			return Section{}, err
		}
		sec := Section{TitleKey: titleKey}
		for _, f := range found {
			sec.Items = append(sec.Items, item(f))
		}
		return sec, nil
	}
}

// Tagged names the items tagged with one of the topics, read on q: what a
// search source of the items answers for a change of topics.
func (t Tagging) Tagged(q postgres.Querier) func(ctx context.Context, topicIDs []int64) ([]int64, error) {
	return func(ctx context.Context, topicIDs []int64) ([]int64, error) { return t.ItemsOf(ctx, q, topicIDs) }
}
