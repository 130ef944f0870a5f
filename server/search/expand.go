package search

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// TopicSource is a Source whose documents show topics: it names the items
// a change of topics reaches.
type TopicSource interface {
	// TopicItems are the ids of the items whose documents show one of
	// topicIDs, by name or by label.
	TopicItems(ctx context.Context, topicIDs []int64) ([]int64, error)
}

// AgencySource is a Source whose items lie in the spaces of an agency.
type AgencySource interface {
	// AgencyItems are the ids of the items in the spaces of agencyIDs.
	AgencyItems(ctx context.Context, agencyIDs []int64) ([]int64, error)
}

// expand answers topic and agency rows with the items of every source
// they reach, merged into the items of the other kinds, each id once.
// Asked when the batch is sent rather than when the row is written, the
// sources answer from the state after the change: a merged topic's
// content carries the topic it went into by then.
func (s *Service) expand(ctx context.Context, items map[string][]int64) (map[string][]int64, error) {
	topicIDs, agencyIDs := items[KindTopic], items[KindAgency]
	if len(topicIDs) == 0 && len(agencyIDs) == 0 {
		return items, nil
	}
	out := maps.Clone(items)
	delete(out, KindTopic)
	delete(out, KindAgency)
	for _, kind := range s.order {
		var reached []int64
		if src, ok := s.sources[kind].(TopicSource); ok && len(topicIDs) > 0 {
			ids, err := src.TopicItems(ctx, topicIDs)
			if err != nil {
				return nil, fmt.Errorf("%s items of topics: %w", kind, err)
			}
			reached = append(reached, ids...)
		}
		if src, ok := s.sources[kind].(AgencySource); ok && len(agencyIDs) > 0 {
			ids, err := src.AgencyItems(ctx, agencyIDs)
			if err != nil {
				return nil, fmt.Errorf("%s items of agencies: %w", kind, err)
			}
			reached = append(reached, ids...)
		}
		if len(reached) > 0 {
			all := append(slices.Clone(out[kind]), reached...)
			slices.Sort(all)
			out[kind] = slices.Compact(all)
		}
	}
	return out, nil
}
