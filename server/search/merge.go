package search

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/meilisearch/meilisearch-go"
)

// rankedHit is one hit of a looser query: the best weighted ranking score
// any of them gave the document, and where that query placed it.
type rankedHit struct {
	hit         meilisearch.Hit
	score       float64
	query, rank int
}

// wordHits is how many hits a query of one word brings to a page: they
// rank behind those of the other queries, and each hit costs Meilisearch
// the work of marking and cropping its text.
const wordHits = 5

// searchTiered answers a search in one request when the strict query's
// hits fill the page asked for, and in two otherwise. Most of what
// Meilisearch does for a search is marking and cropping the texts of the
// hits it returns and counting the facets, so asking the looser queries
// for hits that rank behind a full page of strict hits would be work
// thrown away: the looser queries cost as much again each.
//
// The first request asks the strict query for the page and the loose
// query for its count and its facets alone: the loose query finds what
// the strict query finds and more, as a rule, so its count and facets
// are those of the search whether its hits are needed or not. When the strict query
// has fewer hits than the end of the page, the second request asks the
// looser queries for the hits behind them (mergeLooser).
func (s *Service) searchTiered(ctx context.Context, q Query, strict *meilisearch.SearchRequest, looser []*meilisearch.SearchRequest, weights []float64) (Results, error) {
	per, none := int64(q.PerPage), int64(0)
	strict.HitsPerPage, strict.Page = &per, int64(q.Page)
	count := *looser[0]
	count.HitsPerPage, count.Page, count.Facets = &none, 1, facetNames
	count.AttributesToRetrieve, count.AttributesToHighlight, count.AttributesToCrop = []string{"id"}, nil, nil
	first, err := s.multiSearch(ctx, strict, &count)
	if err != nil {
		return Results{}, err
	}
	strictTotal, looseTotal := int(first[0].TotalHits), int(first[1].TotalHits)
	facets, err := facetCounts(first[1].FacetDistribution)
	if err != nil {
		return Results{}, err
	}
	if looseTotal >= q.PerPage {
		// The queries of one word are for a loose query that finds
		// little: a question whose verb no document holds keeps the
		// frequency strategy from finding its noun. Once the loose query
		// fills a page, their hits would mostly rank behind its own, at
		// the price of a query each. Decided by the size of a page, not
		// by the page asked for, so that every page of a search is cut
		// from the same list.
		looser, weights = looser[:1], weights[:1]
	}
	if strictTotal >= q.Page*q.PerPage || looseTotal == 0 && len(looser) == 1 {
		total := max(strictTotal, looseTotal)
		return s.results(q, first[0].Hits, total, pages(total, q.PerPage), facets)
	}
	return s.mergeLooser(ctx, q, strict, first[0], looseTotal, facets, looser, weights)
}

// mergeLooser fills the page behind the strict query's last hits with
// the hits of the looser queries, each document once with the best
// weighted ranking score any of them gave it, none that the strict query
// found. The count and the facets are exact when no query has more hits
// than it brought; otherwise they are the loose query's.
func (s *Service) mergeLooser(ctx context.Context, q Query, strict *meilisearch.SearchRequest, strictPage meilisearch.SearchResponse,
	looseTotal int, facets map[string]map[string]int, looser []*meilisearch.SearchRequest, weights []float64,
) (Results, error) {
	strictTotal := int(strictPage.TotalHits)
	before, end := (q.Page-1)*q.PerPage, q.Page*q.PerPage
	for i, r := range looser {
		// Each brings the hits up to the end of the page, the strict
		// query's among them; a query of one word a few, the same few
		// for every page. They are asked only while the loose query
		// finds less than a page, so it brings all its hits, and every
		// page is cut from one list: more hits of one word on a later
		// page would push others' hits back and show some twice.
		r.Limit, r.Facets, r.ShowRankingScore = int64(end), nil, true
		if weights[i] <= wordWeight {
			r.Limit = wordHits
		}
	}
	queries := looser
	if earlier := min(before, strictTotal); earlier > 0 {
		// The strict hits of the pages before, to be left out here.
		e := *strict
		e.HitsPerPage, e.Page, e.Limit = nil, 0, int64(earlier)
		e.AttributesToHighlight, e.AttributesToCrop = nil, nil
		queries = append(slices.Clone(looser), &e)
	}
	answers, err := s.multiSearch(ctx, queries...)
	if err != nil {
		return Results{}, err
	}
	strictHits := slices.Clone(strictPage.Hits)
	if len(answers) > len(looser) {
		strictHits = append(strictHits, answers[len(looser)].Hits...)
	}
	found := map[string]bool{}
	for _, h := range strictHits {
		id, _, err := hitKey(h)
		if err != nil {
			return Results{}, err
		}
		found[id] = true
	}
	best := map[string]*rankedHit{}
	complete := true
	for i, r := range answers[:len(looser)] {
		if int(r.EstimatedTotalHits) > len(r.Hits) {
			complete = false
		}
		for rank, h := range r.Hits {
			id, score, err := hitKey(h)
			if err != nil {
				return Results{}, err
			}
			score *= weights[i]
			if b := best[id]; !found[id] && (b == nil || score > b.score) {
				best[id] = &rankedHit{hit: h, score: score, query: i, rank: rank}
			}
		}
	}
	list := make([]*rankedHit, 0, len(best))
	for _, h := range best {
		list = append(list, h)
	}
	slices.SortFunc(list, func(a, b *rankedHit) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.query, b.query), cmp.Compare(a.rank, b.rank))
	})
	extra := make([]meilisearch.Hit, len(list))
	for i, h := range list {
		extra[i] = h.hit
	}
	total := max(looseTotal, strictTotal+len(extra))
	if complete {
		total = strictTotal + len(extra)
		if facets, err = countFacets(append(strictHits, extra...)); err != nil {
			return Results{}, err
		}
	}
	from := min(max(before-strictTotal, 0), len(extra))
	page := append(slices.Clone(strictPage.Hits), extra[from:min(from+q.PerPage-len(strictPage.Hits), len(extra))]...)
	return s.results(q, page, total, pages(total, q.PerPage), facets)
}

// multiSearch sends queries in one request. Meilisearch's federated
// search would merge them too, but costs about three milliseconds more
// per request, whatever it holds.
func (s *Service) multiSearch(ctx context.Context, queries ...*meilisearch.SearchRequest) ([]meilisearch.SearchResponse, error) {
	multi, err := s.client.MultiSearchWithContext(ctx, &meilisearch.MultiSearchRequest{Queries: queries})
	if err != nil {
		return nil, err
	}
	if len(multi.Results) != len(queries) {
		return nil, fmt.Errorf("search: %d answers to %d queries", len(multi.Results), len(queries))
	}
	return multi.Results, nil
}

// hitKey decodes a hit's id and ranking score.
func hitKey(h meilisearch.Hit) (string, float64, error) {
	var key struct {
		ID    string  `json:"id"`
		Score float64 `json:"_rankingScore"`
	}
	if err := h.DecodeInto(&key); err != nil {
		return "", 0, fmt.Errorf("decode search hit: %w", err)
	}
	return key.ID, key.Score, nil
}

func pages(total, per int) int { return (total + per - 1) / per }

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
func countFacets(hits []meilisearch.Hit) (map[string]map[string]int, error) {
	out := map[string]map[string]int{"type": {}, "space_id": {}, "topics": {}}
	for _, h := range hits {
		var f struct {
			Type    string   `json:"type"`
			SpaceID int64    `json:"space_id"`
			Topics  []string `json:"topics"`
		}
		if err := h.DecodeInto(&f); err != nil {
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
