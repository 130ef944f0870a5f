package search

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/meilisearch/meilisearch-go"
)

// rankedHit is one hit of a merged search: the best weighted ranking
// score any query gave the document, and where that query placed it.
type rankedHit struct {
	hit         meilisearch.Hit
	score       float64
	query, rank int
}

// wordHits is how many hits a query of one word brings to a page: they
// rank behind those of the other queries, and each hit costs Meilisearch
// the work of marking and cropping its text.
const wordHits = 5

// merged gathers the hits of several queries, each document once with
// the best weighted ranking score any query gave it.
type merged struct {
	best     map[string]*rankedHit
	complete bool // no query had more hits than it brought
	widest   meilisearch.SearchResponse
}

// searchMerged sends queries in one multi-search request and merges their
// hits into one ranked list, each document once, by the ranking score
// Meilisearch gives each hit times its query's weight. Meilisearch's own
// federated search does the same but costs about three milliseconds more
// per request, whatever it holds, which doubled the median search.
//
// Each query brings the hits up to the end of the page asked for, a
// query of one word only a few more than the pages before (wordHits). The
// count and the facets are exact when no query has more; otherwise they
// are those of the strict or loose query that matches most documents,
// which holds most of the others' hits.
func (s *Service) searchMerged(ctx context.Context, q Query, queries []*meilisearch.SearchRequest, weights []float64) (Results, error) {
	m := &merged{best: map[string]*rankedHit{}, complete: true}
	if err := s.merge(ctx, q, m, queries, weights); err != nil {
		return Results{}, err
	}
	list := make([]*rankedHit, 0, len(m.best))
	for _, h := range m.best {
		list = append(list, h)
	}
	slices.SortFunc(list, func(a, b *rankedHit) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.query, b.query), cmp.Compare(a.rank, b.rank))
	})
	total := int(m.widest.EstimatedTotalHits)
	facets, err := facetCounts(m.widest.FacetDistribution)
	if err != nil {
		return Results{}, err
	}
	if m.complete {
		total = len(list)
		if facets, err = countFacets(list); err != nil {
			return Results{}, err
		}
	}
	total = max(total, len(list))
	from := min((q.Page-1)*q.PerPage, len(list))
	page := make(meilisearch.Hits, 0, q.PerPage)
	for _, h := range list[from:min(from+q.PerPage, len(list))] {
		page = append(page, h.hit)
	}
	return s.results(q, page, total, (total+q.PerPage-1)/q.PerPage, facets)
}

// merge sends queries in one request and adds their hits to m.
func (s *Service) merge(ctx context.Context, q Query, m *merged, queries []*meilisearch.SearchRequest, weights []float64) error {
	limit := int64(q.Page * q.PerPage)
	// Facets are counted by one query, the widest: the loose one when
	// there is one (its parts and spellings find what the strict query
	// finds and more). Counting them costs Meilisearch more than finding
	// the hits of a frequent word, and only the widest count is shown.
	faceted := slices.Index(weights, looseWeight)
	if faceted < 0 {
		faceted = 0
	}
	for i, r := range queries {
		r.Limit, r.Facets = limit, nil
		if i == faceted {
			r.Facets = facetNames
		}
		if weights[i] <= wordWeight {
			r.Limit = min(limit, int64((q.Page-1)*q.PerPage+wordHits))
		}
		r.ShowRankingScore = true
	}
	multi, err := s.client.MultiSearchWithContext(ctx, &meilisearch.MultiSearchRequest{Queries: queries})
	if err != nil {
		return err
	}
	if len(multi.Results) != len(queries) {
		return fmt.Errorf("search: %d answers to %d queries", len(multi.Results), len(queries))
	}
	for i, r := range multi.Results {
		if int(r.EstimatedTotalHits) > len(r.Hits) {
			m.complete = false
		}
		if r.EstimatedTotalHits > m.widest.EstimatedTotalHits && len(r.FacetDistribution) > 0 {
			m.widest = r
		}
		for rank, h := range r.Hits {
			var key struct {
				ID    string  `json:"id"`
				Score float64 `json:"_rankingScore"`
			}
			if err := h.DecodeInto(&key); err != nil {
				return fmt.Errorf("decode search hit: %w", err)
			}
			score := key.Score * weights[i]
			if b := m.best[key.ID]; b == nil || score > b.score {
				m.best[key.ID] = &rankedHit{hit: h, score: score, query: i, rank: rank}
			}
		}
	}
	return nil
}

// facetCounts decodes Meilisearch's facet distribution.
func facetCounts(raw json.RawMessage) (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	if len(raw) == 0 {
		return out, nil
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("decode search facets: %w", err)
	}
	return out, nil
}

// countFacets counts the facet values of hits.
func countFacets(hits []*rankedHit) (map[string]map[string]int, error) {
	out := map[string]map[string]int{"type": {}, "space_id": {}, "topics": {}}
	for _, h := range hits {
		var f struct {
			Type    string   `json:"type"`
			SpaceID int64    `json:"space_id"`
			Topics  []string `json:"topics"`
		}
		if err := h.hit.DecodeInto(&f); err != nil {
			return nil, fmt.Errorf("decode search hit: %w", err)
		}
		out["type"][f.Type]++
		out["space_id"][fmt.Sprint(f.SpaceID)]++
		for _, t := range f.Topics {
			out["topics"][t]++
		}
	}
	return out, nil
}
