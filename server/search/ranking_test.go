package search

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/meilisearch/meilisearch-go"

	"github.com/fachnetz/fachnetz/server/search/german"
	"github.com/fachnetz/fachnetz/server/web"
)

// rankingDocs are the demo pages that issue reports were about, a German
// compound and an English text.
var rankingDocs = []Document{
	{ID: "page-dienstreisen", Type: "page", SpaceID: 1, Space: "lfd", Title: "Dienstreisen", URL: "/lfd/dienstreisen",
		Body: "Alles rund um Dienstreisen im Landesamt. Ablauf in Kürze: Reise im Portal beantragen (mindestens fünf Arbeitstage vorher). " +
			"Genehmigung durch die Referatsleitung abwarten. Nach der Reise die Abrechnung einreichen, siehe Reisekostenabrechnung."},
	{ID: "page-reisekosten", Type: "page", SpaceID: 1, Space: "lfd", Title: "Reisekostenabrechnung", URL: "/lfd/reisekostenabrechnung",
		Body: "Die Abrechnung ist binnen sechs Monaten nach Reiseende einzureichen (§ 3 BRKG). Belege einscannen, Formular ausfüllen, " +
			"bei der Reisekostenstelle einreichen. Zurück zur Übersicht: Dienstreisen."},
	{ID: "page-bauantrag", Type: "page", SpaceID: 1, Space: "lfd", Title: "Bauantrag stellen", URL: "/lfd/bauantrag",
		Body: "Der Bauantrag wird mit Lageplan und Bauzeichnungen bei der unteren Bauaufsicht eingereicht, zuständig ist die Straßenverkehrsbehörde nur für Zufahrten."},
	{ID: "page-coffee", Type: "page", SpaceID: 1, Space: "lfd", Title: "Coffee", URL: "/lfd/coffee",
		Body: "Where should I store whole bean coffee? Keep the beans in a cold, dark place, away from air and light. Be careful with the fridge: " +
			"whole beans take on smells there."},
	// Found by the parts of "Reisekosten" alone, behind the pages that
	// have the word.
	{ID: "page-reise-kosten", Type: "page", SpaceID: 1, Space: "lfd", Title: "Was eine Reise kostet", URL: "/lfd/reise-kosten",
		Body: "Die Kosten einer Reise: Fahrkarten, Übernachtung und Tagegeld."},
	{ID: "page-other", Type: "page", SpaceID: 2, Space: "other", Title: "Dienstreisen anderswo", URL: "/other/dienstreisen",
		Body: "Eine Seite in einem Bereich, den die Suchenden nicht lesen dürfen."},
}

// counter counts the searches sent to Meilisearch and the hits they ask
// Meilisearch to mark and crop, passing every request on.
type counter struct {
	next     http.RoundTripper
	searches atomic.Int64
	cropped  atomic.Int64
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/search") || strings.HasSuffix(r.URL.Path, "/multi-search") {
		c.searches.Add(1)
		if r.Body != nil {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				return nil, err
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			c.cropped.Add(croppedHits(body))
		}
	}
	return c.next.RoundTrip(r)
}

// croppedHits is how many hits a search or multi-search request asks
// Meilisearch to crop at most.
func croppedHits(body []byte) int64 {
	type query struct {
		Limit       *int64   `json:"limit"`
		HitsPerPage *int64   `json:"hitsPerPage"`
		Crop        []string `json:"attributesToCrop"`
	}
	var req struct {
		query
		Queries []query `json:"queries"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return 0
	}
	var n int64
	for _, q := range append(req.Queries, req.query) {
		switch {
		case len(q.Crop) == 0:
		case q.HitsPerPage != nil:
			n += *q.HitsPerPage
		case q.Limit != nil:
			n += *q.Limit
		default:
			n += 20 // Meilisearch's default limit
		}
	}
	return n
}

var (
	rankingOnce sync.Once
	rankingSvc  *Service
	rankingCnt  *counter
	rankingErr  error
)

// rankingService is a search service with the real Meilisearch, its own
// index holding rankingDocs, the German word list and a small topic tree;
// the index is deleted when the package's tests end.
func rankingService(t testing.TB) (*Service, *counter) {
	t.Helper()
	url, key := os.Getenv("FACHNETZ_TEST_MEILI_URL"), os.Getenv("FACHNETZ_TEST_MEILI_KEY")
	if url == "" {
		t.Fatal("FACHNETZ_TEST_MEILI_URL is not set: run the tests with scripts/with-services.sh -- go test ./server/search/ (or make test)")
	}
	rankingOnce.Do(func() {
		splitter, err := german.Load("/usr/share/dict/ngerman")
		if err != nil {
			rankingErr = err
			return
		}
		b := make([]byte, 6)
		rand.Read(b)
		uid := "test_ranking_" + hex.EncodeToString(b)
		rankingCnt = &counter{next: NewTransport()}
		client := meilisearch.New(url, meilisearch.WithAPIKey(key), meilisearch.WithCustomClient(&http.Client{Transport: rankingCnt}))
		rankingSvc = New(Config{
			Index: uid, Compounds: splitter.Compounds,
			Terms: func(context.Context) ([]string, error) {
				return []string{"Vergabe", "Reisekosten", "Datenschutz", "E-Akte", "elektronische Akte"}, nil
			},
		}, client, nil, &web.Web{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if rankingErr = rankingSvc.ensureIndex(ctx); rankingErr != nil {
			return
		}
		docs := slices.Clone(rankingDocs)
		for i := range docs {
			docs[i].Compounds = splitter.Compounds(docs[i].Title + " " + docs[i].Body)
		}
		task, err := client.Index(uid).AddDocumentsWithContext(ctx, docs, nil)
		if err != nil {
			rankingErr = err
			return
		}
		rankingErr = rankingSvc.wait(ctx, task.TaskUID)
	})
	if rankingErr != nil {
		t.Fatal(rankingErr)
	}
	return rankingSvc, rankingCnt
}

func TestMain(m *testing.M) {
	code := m.Run()
	if rankingSvc != nil {
		if task, err := rankingSvc.client.DeleteIndex(rankingSvc.cfg.Index); err == nil {
			rankingSvc.client.WaitForTask(task.TaskUID, 50*time.Millisecond)
		}
	}
	os.Exit(code)
}

func search(t *testing.T, text string) Results {
	t.Helper()
	s, _ := rankingService(t)
	res, err := s.Search(context.Background(), Query{Text: text, Spaces: []int64{1}})
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	if res.Degraded {
		t.Fatalf("search %q answered from PostgreSQL", text)
	}
	return res
}

func ids(res Results) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestSearchForgivesTyposInCompounds(t *testing.T) {
	for q, want := range map[string]string{
		"Dinstreise":                         "page-dienstreisen",
		"Reisekostenabrechung":               "page-reisekosten",
		"Wie beantrage ich eine Dinstreise?": "page-dienstreisen",
		"Antrag":                             "page-bauantrag", // a part of a compound
		"Antarg":                             "page-bauantrag", // a part of a compound, misspelt
		"Strassenverkehrsbehoerde":           "page-bauantrag", // umlauts written out
		"Bauantragsverfahren":                "page-bauantrag", // a longer compound than the page's
	} {
		if got := ids(search(t, q)); !slices.Contains(got, want) {
			t.Errorf("%q finds %q, not %s", q, got, want)
		}
	}
}

var markRE = regexp.MustCompile(`<mark>([^<]*)</mark>`)

// wholeWordMarks reports the marks of snippet that begin or end inside a
// word, and the texts marked.
func wholeWordMarks(snippet string) (broken, marked []string) {
	for _, m := range markRE.FindAllStringSubmatchIndex(snippet, -1) {
		marked = append(marked, snippet[m[2]:m[3]])
		before, _ := utf8.DecodeLastRuneInString(snippet[:m[0]])
		after, _ := utf8.DecodeRuneInString(snippet[m[1]:])
		first, _ := utf8.DecodeRuneInString(snippet[m[2]:m[3]])
		last, _ := utf8.DecodeLastRuneInString(snippet[m[2]:m[3]])
		if isWordRune(before) || isWordRune(after) || !isWordRune(first) || !isWordRune(last) {
			broken = append(broken, snippet[max(0, m[0]-10):min(len(snippet), m[1]+10)])
		}
	}
	return broken, marked
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func TestSearchMarksWholeWords(t *testing.T) {
	cases := map[string][]string{ // query → words that must be marked
		"How should I store whole bean coffee": {"store", "whole", "coffee"},
		"Antrag":                               {"Bauantrag"},
		"Dienst":                               {"Dienstreisen"},
		"Dinstreise":                           {"Dienstreisen"},
		"Reisekostenabrechung":                 {"Reisekostenabrechnung"},
		"Verkehr":                              {"Straßenverkehrsbehörde"},
		"Abrechnung Reise":                     {"Abrechnung"},
		"Bauantragsverfahren":                  {"Bauantrag"},
	}
	for q, want := range cases {
		var all []string
		for _, h := range search(t, q).Hits {
			broken, marked := wholeWordMarks(string(h.Snippet))
			if len(broken) > 0 {
				t.Errorf("%q, %s: marks inside words: %q", q, h.ID, broken)
			}
			all = append(all, marked...)
		}
		for _, w := range want {
			if !slices.Contains(all, w) {
				t.Errorf("%q: %q is not marked (marked: %q)", q, w, all)
			}
		}
	}
}

func TestHighlightWidensMarksToWords(t *testing.T) {
	s := &Service{wordParts: newMemo(func(w string) string {
		if strings.EqualFold(w, "Bauantrag") {
			return "bau antrag"
		}
		return ""
	}, 1)}
	tm := s.newTerms("store Antrag")
	for in, want := range map[string]string{
		"\x02st\x03\x02ore\x03 it":                   "<mark>store</mark> it",
		"a co\x02ld\x03, dark place":                 "a <mark>cold</mark>, dark place",
		"\x02 \x03the\x02,\x03 <b>":                  " the, &lt;b&gt;",
		"Der Bauantrag & die Bauaufsicht":            "Der <mark>Bauantrag</mark> &amp; die Bauaufsicht",
		"\x02Dienst\x03reise und \x02Reise\x03":      "<mark>Dienstreise</mark> und <mark>Reise</mark>",
		"Sie sagt: \"Bau\x02antrag\x03\" & 'Straße'": "Sie sagt: &#34;<mark>Bauantrag</mark>&#34; &amp; &#39;Straße&#39;",
	} {
		if got := string(tm.highlight(in)); got != want {
			t.Errorf("highlight(%q) = %q, want %q", in, got, want)
		}
	}
}

// A search whose strict query fills the page is one request, and
// Meilisearch crops no more hits than the page shows: the looser
// queries' hits would rank behind. Otherwise the looser queries are a
// second request.
func TestSearchAsksTheLooserQueriesOnlyWhenTheStrictOneFallsShort(t *testing.T) {
	s, cnt := rankingService(t)
	for _, c := range []struct {
		text     string
		per      int
		requests int64
	}{
		{"Dienstreisen", 1, 1},
		{"Abrechnung Reise", 1, 1},
		{"Quaxelbrumpf", 20, 1},
		{"Dienstreisen", 20, 2},
		{"Bauantragsverfahren", 20, 2},
		{"Quaxelbrumpf Schnorchelwerk", 20, 2},
		{"Wie beantrage ich einen Quaxelbrumpf?", 20, 2},
	} {
		searches, cropped := cnt.searches.Load(), cnt.cropped.Load()
		res, err := s.Search(context.Background(), Query{Text: c.text, Spaces: []int64{1}, PerPage: c.per})
		if err != nil {
			t.Fatalf("search %q: %v", c.text, err)
		}
		if n := cnt.searches.Load() - searches; n != c.requests {
			t.Errorf("%q, %d a page: %d requests to Meilisearch, want %d", c.text, c.per, n, c.requests)
		}
		if c.requests == 1 && len(res.Hits) > 0 {
			if n := cnt.cropped.Load() - cropped; n != int64(c.per) {
				t.Errorf("%q, %d a page: Meilisearch crops up to %d hits", c.text, c.per, n)
			}
		}
	}
}

// The pages of a search are cut from one list, those the strict query
// fills and those behind: each document once, with the same count on
// every page.
func TestSearchPagesAreCutFromOneList(t *testing.T) {
	s, _ := rankingService(t)
	for _, text := range []string{"Reisekosten", "Dienstreisen", "Abrechnung Reise", "Wie beantrage ich einen Quaxelbrumpf?", "Reisekosten Antrag Frist"} {
		for _, per := range []int{1, 2} {
			var seen []string
			var totals []int
			for page := 1; page <= 12; page++ {
				res, err := s.Search(context.Background(), Query{Text: text, Spaces: []int64{1}, PerPage: per, Page: page})
				if err != nil {
					t.Fatalf("search %q, page %d: %v", text, page, err)
				}
				seen = append(seen, ids(res)...)
				totals = append(totals, res.Total)
			}
			unique := slices.Compact(slices.Sorted(slices.Values(seen)))
			if len(unique) != len(seen) || len(seen) != totals[0] || slices.Max(totals) != slices.Min(totals) {
				t.Errorf("%q, %d a page: hits %q, counts %v", text, per, seen, totals)
			}
		}
	}
	// Past the strict query's hits: the page behind them.
	res, err := s.Search(context.Background(), Query{Text: "Reisekosten", Spaces: []int64{1}, PerPage: 1, Page: 3})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != "page-reise-kosten" {
		t.Errorf("Reisekosten, page 3: %q (%v), want page-reise-kosten", ids(res), err)
	}
}

func TestSearchProposesAnotherSpelling(t *testing.T) {
	res := search(t, "Pergabe")
	if res.Total != 0 {
		t.Fatalf("Pergabe finds %q", ids(res))
	}
	if res.DidYouMean != "Vergabe" {
		t.Errorf("did you mean %q, want Vergabe", res.DidYouMean)
	}
	if res := search(t, "elektronishe Akkte Pergabe"); res.Total == 0 && res.DidYouMean != "elektronische Akte Vergabe" {
		t.Errorf("did you mean %q, want \"elektronische Akte Vergabe\"", res.DidYouMean)
	}
	if res := search(t, "Quaxelbrumpf Pergabe"); res.DidYouMean != "Vergabe" {
		t.Errorf("did you mean %q, want Vergabe", res.DidYouMean)
	}
	if res := search(t, "Quaxelbrumpf"); res.DidYouMean != "" {
		t.Errorf("Quaxelbrumpf: did you mean %q, want nothing", res.DidYouMean)
	}
	if res := search(t, "Dienstreise"); res.DidYouMean != "" {
		t.Errorf("a search with hits proposes %q", res.DidYouMean)
	}
}

// BenchmarkSearch measures a search through the service against the real
// Meilisearch: a word with hits, words with hits, words without hits.
func BenchmarkSearch(b *testing.B) {
	s, _ := rankingService(b)
	for _, q := range []string{"Dienstreisen", "Abrechnung Reise", "Quaxelbrumpf Schnorchelwerk", "Dinstreise"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(context.Background(), Query{Text: q, Spaces: []int64{1}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
