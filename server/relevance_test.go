package main

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// Floors of the relevance test set: the latest measurement, less about two
// queries' worth (ties among equally ranked hits may fall either way), so
// that a change that makes search worse fails. Raise them with the
// figures when search gets better; issue 12 wants recall@5 ≥ 0.95 from
// Meilisearch and ≥ 0.80 from PostgreSQL. The first measurement
// (2026-11-29, before typo tolerance, whole-word marks, the stop words of
// questions and the PostgreSQL copy of the documents) was recall@5 0.677,
// MRR 0.675 from Meilisearch; 0.222, 0.242 from PostgreSQL; 0.219 of the
// marks whole words from Meilisearch.
const (
	// Measured 2026-11-29 with a strict, a loose and one-word queries
	// merged: recall@5 0.968–0.977, MRR 0.926–0.932 (before them, 0.940
	// and 0.923–0.926); with the looser queries asked only when the
	// strict one falls short of the page, 0.977 and 0.931–0.934.
	relevanceRecallFloor = 0.955
	relevanceMRRFloor    = 0.915
	// Measured 2026-11-29 with Meilisearch unreachable: recall@5 0.941,
	// MRR 0.911.
	degradedRecallFloor = 0.93
	degradedMRRFloor    = 0.90
	// Share of <mark>s in the snippets of the whole set that cover whole
	// words: all of them, from both.
	wholeWordMarkFloor         = 1.0
	degradedWholeWordMarkFloor = 1.0
)

// relevanceGroups is the order of the groups in the logged table.
var relevanceGroups = []string{"typos", "compounds", "inflection", "umlauts", "synonyms", "questions", "people"}

type relevanceHit struct {
	ID      string `json:"id"`
	Snippet string `json:"snippet"`
}

type relevanceAnswer struct {
	Hits     []relevanceHit `json:"hits"`
	Degraded bool           `json:"degraded"`
}

// relevanceSearch runs one query of the set through the API.
func relevanceSearch(tb testing.TB, base, token string, q relevanceQuery) relevanceAnswer {
	tb.Helper()
	u := base + "/api/v1/search?q=" + url.QueryEscape(q.Q)
	if q.Type != "" {
		u += "&type=" + url.QueryEscape(q.Type)
	}
	var out relevanceAnswer
	relevanceCall(tb, http.MethodGet, u, token, nil, http.StatusOK, &out)
	return out
}

// relevanceScore sums recall@5 and reciprocal ranks over queries.
type relevanceScore struct {
	n          int
	recall, rr float64
}

func (s *relevanceScore) add(recall, rr float64) { s.n++; s.recall += recall; s.rr += rr }

func (s relevanceScore) Recall() float64 { return s.recall / float64(max(s.n, 1)) }
func (s relevanceScore) MRR() float64    { return s.rr / float64(max(s.n, 1)) }

// judge scores one answer: recall@5 is the share of the relevant documents
// among the first five hits (of at most five relevant ones), the
// reciprocal rank is 1/rank of the first relevant hit on the first page.
func judge(q relevanceQuery, keys []string) (recall, rr float64) {
	relevant := map[string]bool{}
	for _, k := range q.Relevant {
		relevant[k] = true
	}
	found := 0
	for i, k := range keys {
		if !relevant[k] {
			continue
		}
		if rr == 0 {
			rr = 1 / float64(i+1)
		}
		if i < 5 {
			found++
		}
	}
	return float64(found) / float64(min(len(q.Relevant), 5)), rr
}

// relevanceRun is the measurement of the whole set against one server.
type relevanceRun struct {
	overall relevanceScore
	groups  map[string]*relevanceScore
	misses  []string // queries whose relevant documents are not all in the first five
	marks   markCount
}

func measureRelevance(tb testing.TB, set *relevanceSet, base string, wantDegraded bool) relevanceRun {
	tb.Helper()
	run := relevanceRun{groups: map[string]*relevanceScore{}}
	for _, q := range set.queries {
		ans := relevanceSearch(tb, base, set.token, q)
		if ans.Degraded != wantDegraded {
			tb.Fatalf("%q: degraded=%v, want %v", q.Q, ans.Degraded, wantDegraded)
		}
		keys := make([]string, len(ans.Hits))
		for i, h := range ans.Hits {
			keys[i] = set.keyOf[h.ID]
			if keys[i] == "" {
				keys[i] = h.ID // not from the corpus
			}
			run.marks.add(h.Snippet)
		}
		recall, rr := judge(q, keys)
		run.overall.add(recall, rr)
		if run.groups[q.Group] == nil {
			run.groups[q.Group] = &relevanceScore{}
		}
		run.groups[q.Group].add(recall, rr)
		if recall < 1 {
			top := keys[:min(len(keys), 5)]
			run.misses = append(run.misses, fmt.Sprintf("%-10s %-45q want %v, top 5 %v", q.Group, q.Q, q.Relevant, top))
		}
	}
	return run
}

func (r relevanceRun) log(tb testing.TB, source string) {
	tb.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "relevance from %s\n%-12s %7s %9s %7s\n", source, "group", "queries", "recall@5", "MRR")
	groups := append([]string{}, relevanceGroups...)
	for g := range r.groups {
		if !contains(groups, g) {
			groups = append(groups, g)
		}
	}
	for _, g := range groups {
		if s := r.groups[g]; s != nil {
			fmt.Fprintf(&b, "%-12s %7d %9.4f %7.4f\n", g, s.n, s.Recall(), s.MRR())
		}
	}
	fmt.Fprintf(&b, "%-12s %7d %9.4f %7.4f\n", "all", r.overall.n, r.overall.Recall(), r.overall.MRR())
	fmt.Fprintf(&b, "whole-word marks: %d of %d (%.4f)\n", r.marks.whole, r.marks.total, r.marks.Share())
	for _, m := range r.marks.broken[:min(len(r.marks.broken), 10)] {
		fmt.Fprintf(&b, "  cut word: %s\n", m)
	}
	fmt.Fprintf(&b, "misses (%d):\n", len(r.misses))
	for _, m := range r.misses {
		fmt.Fprintf(&b, "  %s\n", m)
	}
	tb.Log(b.String())
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// markCount counts the <mark>s of snippets and those that cover whole
// words: a mark must start where a word starts and end where it ends.
type markCount struct {
	total, whole int
	broken       []string
}

func (m markCount) Share() float64 {
	if m.total == 0 {
		return 1
	}
	return float64(m.whole) / float64(m.total)
}

func (m *markCount) add(snippet string) {
	// The text without tags, with the marked spans in it: adjacent marks
	// ("<mark>st</mark><mark>ore</mark>") are two marks, each cutting the
	// word.
	var text []rune
	type span struct{ from, to int }
	var spans []span
	rest := snippet
	for {
		open := strings.Index(rest, "<mark>")
		if open < 0 {
			text = append(text, []rune(html.UnescapeString(rest))...)
			break
		}
		text = append(text, []rune(html.UnescapeString(rest[:open]))...)
		rest = rest[open+len("<mark>"):]
		end := strings.Index(rest, "</mark>")
		if end < 0 {
			end = len(rest)
		}
		from := len(text)
		text = append(text, []rune(html.UnescapeString(rest[:end]))...)
		spans = append(spans, span{from, len(text)})
		rest = strings.TrimPrefix(rest[end:], "</mark>")
	}
	isWord := func(i int) bool {
		return i >= 0 && i < len(text) && (unicode.IsLetter(text[i]) || unicode.IsDigit(text[i]))
	}
	for _, s := range spans {
		m.total++
		if s.from < s.to && !isWord(s.from-1) && !isWord(s.to) {
			m.whole++
			continue
		}
		from, to := s.from, s.to
		for isWord(from - 1) {
			from--
		}
		for isWord(to) {
			to++
		}
		m.broken = append(m.broken, fmt.Sprintf("%q in %q", string(text[s.from:s.to]), string(text[from:to])))
	}
}

// TestRelevanceSet measures the relevance test set from Meilisearch and,
// with Meilisearch unreachable, from PostgreSQL, and holds both to their
// floors; whole-word highlighting likewise.
func TestRelevanceSet(t *testing.T) {
	set := loadRelevance(t)
	for _, c := range []struct {
		name                 string
		base                 string
		degraded             bool
		recall, mrr, marking float64
	}{
		{"Meilisearch", set.base, false, relevanceRecallFloor, relevanceMRRFloor, wholeWordMarkFloor},
		{"PostgreSQL", set.degraded, true, degradedRecallFloor, degradedMRRFloor, degradedWholeWordMarkFloor},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := measureRelevance(t, set, c.base, c.degraded)
			run.log(t, c.name)
			if got := run.overall.Recall(); got < c.recall {
				t.Errorf("recall@5 %.3f, below the floor %.3f", got, c.recall)
			}
			if got := run.overall.MRR(); got < c.mrr {
				t.Errorf("MRR %.3f, below the floor %.3f", got, c.mrr)
			}
			if got := run.marks.Share(); got < c.marking {
				t.Errorf("whole-word marks %.3f, below the floor %.3f", got, c.marking)
			}
		})
	}
}

func TestRelevanceJudgeAndMarks(t *testing.T) {
	q := relevanceQuery{Relevant: []string{"a", "b"}}
	for _, c := range []struct {
		keys       []string
		recall, rr float64
	}{
		{[]string{"a", "b"}, 1, 1},
		{[]string{"x", "b", "y"}, 0.5, 0.5},
		{[]string{"x", "y", "z", "u", "v", "a"}, 0, 1.0 / 6},
		{nil, 0, 0},
	} {
		if recall, rr := judge(q, c.keys); recall != c.recall || rr != c.rr {
			t.Errorf("judge(%v) = %v, %v; want %v, %v", c.keys, recall, rr, c.recall, c.rr)
		}
	}
	var m markCount
	m.add(`Der <mark>Bauantrag</mark> wird &amp; <mark>E</mark>-<mark>Akte</mark>`)
	m.add(`How to <mark>st</mark><mark>ore</mark> whole <mark>be</mark>an co<mark>ld</mark>`)
	if m.total != 7 || m.whole != 3 {
		t.Errorf("marks: %d whole of %d, want 3 of 7 (%v)", m.whole, m.total, m.broken)
	}
	sort.Strings(m.broken)
	if len(m.broken) != 4 || !strings.Contains(m.broken[0], `"be" in "bean"`) {
		t.Errorf("broken marks: %v", m.broken)
	}
}
