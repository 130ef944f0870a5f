package topics

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// Limits of tagging: one item carries at most maxPerItem topics, and one
// request proposes at most maxNewPerRequest new ones, so that a single
// request cannot flood the knowledge managers' queue (and the suggestions
// of the people who may read the content).
const (
	maxPerItem       = 20
	maxNewPerRequest = 5
)

// ResolveIDs is Resolve for callers that keep only the topics' ids.
func (s *Topics) ResolveIDs(ctx context.Context, names []string, proposer int64) ([]int64, error) {
	list, err := s.Resolve(ctx, names, proposer)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i, t := range list {
		ids[i] = t.ID
	}
	return ids, nil
}

// Resolve maps names a person typed while tagging content to topics,
// matching names and synonyms case-insensitively. Unknown names become
// unsorted proposals by proposer, which only readers of content carrying
// them see (Visible). Empty names are ignored; the result follows the
// order of names, each topic once. More than maxPerItem names, or more
// than maxNewPerRequest unknown ones, are refused before anything is
// proposed.
func (s *Topics) Resolve(ctx context.Context, names []string, proposer int64) ([]Topic, error) {
	clean, found, _, err := s.check(ctx, names)
	if err != nil || len(clean) == 0 {
		return nil, err
	}
	out := make([]Topic, 0, len(clean))
	have := map[int64]bool{}
	for _, n := range clean {
		t, ok := found[strings.ToLower(n)]
		if !ok {
			if t, err = s.propose(ctx, n, proposer); err != nil {
				return nil, err
			}
		}
		if !have[t.ID] {
			have[t.ID] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// Unknown checks names as Resolve does and returns the ones Resolve
// would propose as new topics, lower-case, without proposing anything:
// an import checks the names of all its items before the first is taken.
func (s *Topics) Unknown(ctx context.Context, names []string) ([]string, error) {
	_, _, unknown, err := s.check(ctx, names)
	return unknown, err
}

// check cleans names, drops repeats and finds the known ones; it refuses
// what Resolve refuses.
func (s *Topics) check(ctx context.Context, names []string) (clean []string, found map[string]Topic, unknown []string, err error) {
	labels, problem := cleanLabels(names, "topics")
	if problem != nil {
		return nil, nil, nil, problem
	}
	seen := map[string]bool{}
	for _, n := range labels {
		if key := strings.ToLower(n); !seen[key] {
			seen[key] = true
			clean = append(clean, n)
		}
	}
	if len(clean) == 0 {
		return nil, nil, nil, nil
	}
	if len(clean) > maxPerItem {
		return nil, nil, nil, errs.E(errs.Invalid, "topics.too_many", "Max", maxPerItem).OnField("topics")
	}
	if found, err = s.Store.ByLabels(ctx, s.pool, clean); err != nil {
		return nil, nil, nil, err
	}
	for _, n := range clean {
		if _, ok := found[strings.ToLower(n)]; !ok {
			unknown = append(unknown, strings.ToLower(n))
		}
	}
	if len(unknown) > maxNewPerRequest {
		return nil, nil, nil, errs.E(errs.Invalid, "topics.too_many_new", "Max", maxNewPerRequest, "Count", len(unknown)).OnField("topics")
	}
	return clean, found, unknown, nil
}

// propose creates an unsorted topic, or finds the one someone else created
// under the same label meanwhile.
func (s *Topics) propose(ctx context.Context, name string, proposer int64) (Topic, error) {
	for attempt := 0; attempt < 5; attempt++ {
		var id int64
		err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
			slug, err := uniqueSlug(ctx, tx, name, topicSlugFree)
			if err != nil {
				return err
			}
			var by *int64
			if proposer != 0 {
				by = &proposer
			}
			// No search outbox row: nothing carries the new topic yet,
			// and a name without synonyms changes no synonyms.
			id, err = insertTopic(ctx, tx, newTopic{Slug: slug, Name: name, Unsorted: true, ProposedBy: by})
			return err
		})
		switch {
		case err == nil:
			return s.Store.ByID(ctx, id)
		case violates(err, "topic_labels_pkey"):
			found, err := s.Store.ByLabels(ctx, s.pool, []string{name})
			if err != nil {
				return Topic{}, err
			}
			if t, ok := found[strings.ToLower(name)]; ok {
				return t, nil
			}
		case violates(err, "topics_slug_key"):
			// Someone took the slug meanwhile; try the next one.
		default:
			return Topic{}, fmt.Errorf("propose topic: %w", err)
		}
	}
	return Topic{}, fmt.Errorf("propose topic %q: too much contention", name)
}
