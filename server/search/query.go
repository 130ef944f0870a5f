package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// Query is one search. Spaces are the spaces the searcher may read: the
// only ones hits may come from.
type Query struct {
	Text    string
	Spaces  []int64
	Type    string // "" for all
	Space   int64  // 0 for all readable
	Topic   string // topic name, "" for all
	Status  string
	Loose   bool // match on the rarest words only: for suggestions of similar things
	Page    int  // from 1
	PerPage int
}

// Hit is one result.
type Hit struct {
	Type    string        `json:"type"`
	ID      string        `json:"id"`
	Title   string        `json:"title"`
	Snippet template.HTML `json:"snippet"`
	URL     string        `json:"url"`
	Space   string        `json:"space"`
	SpaceID int64         `json:"-"`
	Topics  []string      `json:"topics,omitempty"`
}

// Facet is one value of a facet with its count.
type Facet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Results are a page of hits with their counts.
type Results struct {
	Hits     []Hit              `json:"hits"`
	Total    int                `json:"total"`
	Page     int                `json:"page"`
	Pages    int                `json:"pages"`
	Facets   map[string][]Facet `json:"facets,omitempty"`
	Degraded bool               `json:"degraded"`
	// DidYouMean is another spelling of a query that found nothing,
	// made of words that do occur, or "".
	DidYouMean string `json:"did_you_mean,omitempty"`
}

// markers stand for the highlight tags while text is escaped; control
// characters cannot occur in indexed text.
const markOpen, markClose = "\x02", "\x03"

// Search answers from Meilisearch, or from PostgreSQL when Meilisearch is
// unreachable or its index lags behind the outbox by more than StaleAfter.
// Hits come only from q.Spaces: that list is part of the Meilisearch
// filter, never applied to hits afterwards.
func (s *Service) Search(ctx context.Context, q Query) (Results, error) {
	if q.PerPage <= 0 {
		q.PerPage = 20
	}
	if q.Page <= 0 {
		q.Page = 1
	}
	if len(q.Spaces) == 0 {
		return Results{Page: 1}, nil
	}
	var res Results
	var err error = errStale
	if oldest := s.oldest.Load(); oldest == 0 || time.Since(time.UnixMilli(oldest)) < s.cfg.StaleAfter {
		if res, err = s.searchMeili(ctx, q); err != nil {
			s.log.Warn("search: Meilisearch did not answer; answering from PostgreSQL", "err", err)
		}
	}
	if err != nil {
		if res, err = s.searchPostgres(ctx, q); err != nil {
			return Results{}, err
		}
	}
	if res.Total == 0 && !q.Loose {
		res.DidYouMean = s.didYouMean(ctx, q.Text)
	}
	return res, nil
}

// errStale stands for an index that lags too far behind the outbox.
var errStale = errors.New("search index is stale")

func (s *Service) filter(q Query) []string {
	ids := make([]string, len(q.Spaces))
	for i, id := range q.Spaces {
		ids[i] = strconv.FormatInt(id, 10)
	}
	filter := []string{"space_id IN [" + strings.Join(ids, ",") + "]"}
	if q.Space != 0 {
		filter = append(filter, "space_id = "+strconv.FormatInt(q.Space, 10))
	}
	if q.Type != "" {
		filter = append(filter, "type = "+quote(q.Type))
	}
	if q.Topic != "" {
		filter = append(filter, "topics = "+quote(q.Topic))
	}
	now := strconv.FormatInt(time.Now().Unix(), 10)
	switch q.Status {
	case "":
	case "needs_review":
		filter = append(filter, "review_due > 0 AND review_due < "+now)
	case "verified":
		filter = append(filter, "type = \"page\" AND (review_due = 0 OR review_due >= "+now+")")
	default:
		filter = append(filter, "status = "+quote(q.Status))
	}
	return filter
}

// quote writes a string literal for a Meilisearch filter.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

type meiliHit struct {
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	SpaceID   int64    `json:"space_id"`
	Space     string   `json:"space"`
	URL       string   `json:"url"`
	Topics    []string `json:"topics"`
	Formatted struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	} `json:"_formatted"`
}

// searchMeili asks Meilisearch in one request. Every word must match
// first: with fewer, a common word alone would bring in unrelated hits.
// When a query has more than one word, or compounds whose parts can be
// searched for, the same request carries a looser second query in which
// Meilisearch drops the most frequent words first ("wie", "ich") and the
// compounds' parts may stand for the whole ("Bauantragsverfahren" →
// "Bauantrag"); its answer counts only when the strict one found nothing.
// Suggestions for a question being typed start with the looser one.
func (s *Service) searchMeili(ctx context.Context, q Query) (Results, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	text := queryText(q.Text)
	loose := s.looseText(text)
	var queries []*meilisearch.SearchRequest
	if !q.Loose {
		queries = append(queries, s.request(q, text, meilisearch.All))
	}
	if q.Loose || loose != text || len(strings.Fields(text)) > 1 {
		queries = append(queries, s.request(q, loose, meilisearch.Frequency))
	}
	multi, err := s.client.MultiSearchWithContext(ctx, &meilisearch.MultiSearchRequest{Queries: queries})
	if err != nil {
		return Results{}, err
	}
	if len(multi.Results) != len(queries) {
		return Results{}, fmt.Errorf("search: %d answers to %d queries", len(multi.Results), len(queries))
	}
	answer := multi.Results[0]
	for _, r := range multi.Results {
		if r.TotalHits > 0 {
			answer = r
			break
		}
	}
	return s.results(q, answer)
}

// request is one search of the content index.
func (s *Service) request(q Query, text string, strategy meilisearch.MatchingStrategy) *meilisearch.SearchRequest {
	per := int64(q.PerPage)
	return &meilisearch.SearchRequest{
		IndexUID:              s.cfg.Index,
		Query:                 text,
		Filter:                s.filter(q),
		Facets:                []string{"type", "space_id", "topics"},
		AttributesToRetrieve:  []string{"id", "type", "space_id", "space", "url", "topics"},
		AttributesToHighlight: []string{"title", "body"},
		AttributesToCrop:      []string{"body"},
		CropLength:            36,
		HighlightPreTag:       markOpen,
		HighlightPostTag:      markClose,
		HitsPerPage:           &per,
		MatchingStrategy:      strategy,
		Page:                  int64(q.Page),
	}
}

// looseText adds the parts of the query's compounds and the spellings
// without umlauts to the query text, each once.
func (s *Service) looseText(text string) string {
	if s.cfg.Compounds == nil {
		return text
	}
	words := strings.Fields(text)
	for _, p := range strings.Fields(s.cfg.Compounds(text)) {
		if !slices.Contains(words, p) {
			words = append(words, p)
		}
	}
	return strings.Join(words, " ")
}

// results turns one of Meilisearch's answers into Results, every mark
// widened to whole words.
func (s *Service) results(q Query, answer meilisearch.SearchResponse) (Results, error) {
	var hits []meiliHit
	if err := answer.Hits.DecodeInto(&hits); err != nil {
		return Results{}, fmt.Errorf("decode search hits: %w", err)
	}
	var facets map[string]map[string]int
	if len(answer.FacetDistribution) > 0 {
		if err := json.Unmarshal(answer.FacetDistribution, &facets); err != nil {
			return Results{}, fmt.Errorf("decode search facets: %w", err)
		}
	}
	res := Results{Total: int(answer.TotalHits), Page: q.Page, Pages: int(answer.TotalPages), Facets: map[string][]Facet{}}
	terms := s.newTerms(q.Text)
	for _, h := range hits {
		res.Hits = append(res.Hits, Hit{
			Type: h.Type, ID: h.ID, URL: h.URL, Space: h.Space, SpaceID: h.SpaceID, Topics: h.Topics,
			Title:   strings.NewReplacer(markOpen, "", markClose, "").Replace(h.Formatted.Title),
			Snippet: terms.highlight(h.Formatted.Body),
		})
	}
	for name, values := range facets {
		for v, n := range values {
			res.Facets[name] = append(res.Facets[name], Facet{Value: v, Count: n})
		}
		sort.Slice(res.Facets[name], func(i, j int) bool {
			a, b := res.Facets[name][i], res.Facets[name][j]
			return a.Count > b.Count || a.Count == b.Count && a.Value < b.Value
		})
	}
	return res, nil
}

// Highlight escapes a snippet and turns the markers into <mark>.
func Highlight(marked string) template.HTML {
	escaped := html.EscapeString(marked)
	return template.HTML(strings.NewReplacer(markOpen, "<mark>", markClose, "</mark>").Replace(escaped)) //nolint:gosec // escaped above
}

// Markers are the StartSel and StopSel for ts_headline.
func Markers() (string, string) { return markOpen, markClose }

// queryText lower-cases a query and takes out the stop words. Meilisearch
// ignores a stop word only when it is written in lower case and is not the
// query's last word (which it reads as a prefix), so "Wie beantrage ich"
// would otherwise find nothing.
func queryText(text string) string {
	words := strings.Fields(strings.ToLower(text))
	kept := words[:0]
	for _, w := range words {
		if !isStopWord[strings.Trim(w, ".,;:!?\"'()")] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		return strings.Join(words, " ")
	}
	return strings.Join(kept, " ")
}
