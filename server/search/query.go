package search

import (
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meilisearch/meilisearch-go"
)

// Query is one search. Spaces are the spaces the searcher may read: the
// only ones hits may come from. People documents follow the rule of
// profiles instead: they come only from PeopleSpaces (the organisation
// spaces of the searcher's agency), none when it is empty.
type Query struct {
	Text         string
	Spaces       []int64
	PeopleSpaces []int64
	Type         string // "" for all
	Space        int64  // 0 for all readable
	Topic        string // topic name, "" for all
	Status       string
	Loose        bool // match on the rarest words only: for suggestions of similar things
	Page         int  // from 1
	PerPage      int
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
	// SpaceName is what the results page shows; Space, the slug, is
	// for programs.
	SpaceName string   `json:"-"`
	Topics    []string `json:"topics,omitempty"`
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
	if len(q.Spaces) == 0 && len(q.PeopleSpaces) == 0 {
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
	in := func(spaces []int64) string {
		ids := make([]string, len(spaces))
		for i, id := range spaces {
			ids[i] = strconv.FormatInt(id, 10)
		}
		return "space_id IN [" + strings.Join(ids, ",") + "]"
	}
	var access []string
	if len(q.Spaces) > 0 {
		access = append(access, `(type != "person" AND `+in(q.Spaces)+")")
	}
	if len(q.PeopleSpaces) > 0 {
		access = append(access, `(type = "person" AND `+in(q.PeopleSpaces)+")")
	}
	filter := []string{strings.Join(access, " OR ")}
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
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	SpaceID int64    `json:"space_id"`
	Space   string   `json:"space"`
	URL     string   `json:"url"`
	Topics  []string `json:"topics"`
	Title   string   `json:"title"`
	// The body is marked and cropped; titles are shown without marks.
	Formatted struct {
		Body string `json:"body"`
	} `json:"_formatted"`
}

// searchMeili asks Meilisearch for the hits of up to three kinds of
// query and puts them into one ranked list, each document once
// (searchTiered):
//   - the strict query wants every word of the query; its hits come
//     first, in its order;
//   - the loose one lets Meilisearch drop the most frequent words first,
//     and the parts of the query's compounds stand for the whole
//     ("Bauantragsverfahren" → "Bauantrag");
//   - for a query of several words (or parts), one query for each of its
//     longest words, so that a question finds what matches its noun even
//     when its verb occurs in no document ("Wie lange dauert eine
//     Baugenehmigung?"), which the frequency strategy cannot do: it would
//     keep the rare verb and drop the noun.
//
// The looser queries' hits fill the list behind the strict ones, by
// their weighted ranking scores. Suggestions for a question being typed
// use the loose query alone.
func (s *Service) searchMeili(ctx context.Context, q Query) (Results, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	text := queryText(q.Text)
	loose := s.looseText(text)
	if q.Loose {
		return s.searchOne(ctx, q, s.request(q, loose, meilisearch.Frequency))
	}
	strict := s.request(q, text, meilisearch.All)
	if keys := queryFileNumbers(q.Text); len(keys) > 0 {
		// The texts that link the file number first, then what the
		// query finds otherwise ("12", "345" and "2026" apart).
		// The trailing space: the key is complete, not a prefix.
		exact := s.request(q, strings.Join(keys, " ")+" ", meilisearch.Last)
		exact.AttributesToSearchOn = []string{fileNumbersField}
		return s.searchTiered(ctx, q, exact, []*meilisearch.SearchRequest{s.request(q, loose, meilisearch.Frequency), strict},
			[]float64{looseWeight, 1})
	}
	if loose == text && len(strings.Fields(text)) == 1 {
		return s.searchOne(ctx, q, strict)
	}
	looser := []*meilisearch.SearchRequest{s.request(q, loose, meilisearch.Frequency)}
	weights := []float64{looseWeight}
	for _, w := range longestWords(s.wordQueries(text), maxWordQueries) {
		looser = append(looser, s.request(q, w, meilisearch.All))
		weights = append(weights, wordWeight)
	}
	return s.searchTiered(ctx, q, strict, looser, weights)
}

// searchOne sends a query that has nothing to be merged with on its own:
// a federated request costs Meilisearch about three milliseconds more
// than a plain one, whatever it holds.
func (s *Service) searchOne(ctx context.Context, q Query, r *meilisearch.SearchRequest) (Results, error) {
	per := int64(q.PerPage)
	r.HitsPerPage, r.Page = &per, int64(q.Page)
	r.Facets = facetNames
	answer, err := s.client.Index(s.cfg.Index).SearchWithContext(ctx, r.Query, r)
	if err != nil {
		return Results{}, err
	}
	facets, err := facetCounts(answer.FacetDistribution)
	if err != nil {
		return Results{}, err
	}
	return s.results(q, answer.Hits, int(answer.TotalHits), int(answer.TotalPages), facets)
}

// facetNames are the facets every search counts.
var facetNames = []string{"type", "space_id", "topics"}

// The weights scale the ranking scores of the loose query's hits and
// those of the queries of one word each, which rank behind the strict
// query's hits.
const (
	looseWeight = 0.9
	wordWeight  = 0.3
	// maxWordQueries bounds the queries of one word: the longest words of
	// a question carry its meaning.
	maxWordQueries = 4
	minPartRunes   = 6
)

// wordQueries are the words that get a query of their own: the words of
// a query of several words, and the parts of its compounds of at least
// minPartRunes letters (shorter parts, often mis-splits like "ellen" of
// "Baustellen", match too much to be worth a query), each spelling once:
// Meilisearch's typo tolerance finds "Gebühren" for "gebuehren".
func (s *Service) wordQueries(text string) []string {
	words := strings.Fields(text)
	var out []string
	whole, _ := transliterate(text)
	seen := map[string]bool{whole: true}
	keep := func(w string) {
		o, _ := transliterate(w)
		if !seen[o] {
			seen[o] = true
			out = append(out, w)
		}
	}
	for _, w := range words {
		keep(w)
	}
	for _, p := range s.parts(text) {
		if utf8.RuneCountInString(p) >= minPartRunes {
			keep(p)
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// parts are the parts of the query's compounds and the other spellings
// of its words ("gebuehren" for "Gebühren"), none of them a word of the
// query, each once.
func (s *Service) parts(text string) []string {
	if s.cfg.Compounds == nil {
		return nil
	}
	words := strings.Fields(text)
	var out []string
	for _, p := range strings.Fields(s.cfg.Compounds(text)) {
		if !slices.Contains(words, p) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// longestWords returns the n longest of words, in their order.
func longestWords(words []string, n int) []string {
	if len(words) <= n {
		return words
	}
	byLen := slices.Clone(words)
	slices.SortStableFunc(byLen, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	cut := utf8.RuneCountInString(byLen[n-1])
	var out []string
	for _, w := range words {
		if len(out) < n && utf8.RuneCountInString(w) >= cut {
			out = append(out, w)
		}
	}
	return out
}

// request is one query of a search of the content index.
func (s *Service) request(q Query, text string, strategy meilisearch.MatchingStrategy) *meilisearch.SearchRequest {
	return &meilisearch.SearchRequest{
		IndexUID:              s.cfg.Index,
		Query:                 text,
		Filter:                s.filter(q),
		AttributesToRetrieve:  []string{"id", "type", "space_id", "space", "url", "topics", "title"},
		AttributesToHighlight: []string{"body"},
		AttributesToCrop:      []string{"body"},
		CropLength:            36,
		HighlightPreTag:       markOpen,
		HighlightPostTag:      markClose,
		MatchingStrategy:      strategy,
	}
}

// looseText is the query with the parts of its compounds and the other
// spellings of its words in place of those words. A word that has parts
// gives way to them because a word that no document contains keeps the
// frequency strategy from finding anything: it drops the most frequent
// words first, so the missing one ("Datenpannenmeldung") is never
// dropped.
func (s *Service) looseText(text string) string {
	if s.cfg.Compounds == nil {
		return text
	}
	var words []string
	for _, w := range strings.Fields(text) {
		if s.cfg.Compounds(w) == "" {
			words = append(words, w)
		}
	}
	return strings.Join(append(words, s.parts(text)...), " ")
}

// results turns Meilisearch's answer into Results, every mark widened to
// whole words.
func (s *Service) results(q Query, found meilisearch.Hits, total, pages int, facets map[string]map[string]int) (Results, error) {
	var hits []meiliHit
	if err := found.DecodeInto(&hits); err != nil {
		return Results{}, fmt.Errorf("decode search hits: %w", err)
	}
	res := Results{Total: total, Page: q.Page, Pages: pages, Facets: map[string][]Facet{}}
	terms := s.newTerms(q.Text)
	for _, h := range hits {
		res.Hits = append(res.Hits, Hit{
			Type: h.Type, ID: h.ID, URL: h.URL, Space: h.Space, SpaceID: h.SpaceID, Topics: h.Topics,
			Title:   h.Title,
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
