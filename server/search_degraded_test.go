package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

// degradedServer runs a server whose Meilisearch never answers, so that
// every search is answered from PostgreSQL, with compound words split.
func degradedServer(t *testing.T) string {
	t.Helper()
	meili, _ := url.Parse(os.Getenv("FACHNETZ_TEST_MEILI_URL"))
	px := newProxy(t, meili.Host)
	px.cut()
	return searchServer(t, map[string]string{"FACHNETZ_MEILI_URL": "http://" + px.ln.Addr().String(), "FACHNETZ_WORDLIST": "/usr/share/dict/ngerman"})
}

// waitCopied waits until PostgreSQL's copy of the search documents has
// taken every change.
func waitCopied(t *testing.T) {
	t.Helper()
	eventually(t, 10*time.Second, "every change copied", func() bool {
		var n int
		testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM search_copy_queue`).Scan(&n)
		return n == 0
	})
}

// degradedResult is one answer of /api/v1/search.
type degradedResult struct {
	IDs    []string // in rank order
	Types  []string
	Total  int
	Pages  int
	Facets map[string]map[string]int
	Hits   []map[string]any
}

func searchDegraded(t *testing.T, base, token, params string) degradedResult {
	t.Helper()
	status, out := api(t, http.MethodGet, base+"/api/v1/search?"+params, token, "")
	if status != http.StatusOK || out["degraded"] != true {
		t.Fatalf("search %s: %d %v, want 200 and degraded", params, status, out)
	}
	r := degradedResult{Total: int(out["total"].(float64)), Pages: int(out["pages"].(float64)), Facets: map[string]map[string]int{}}
	hits, _ := out["hits"].([]any)
	for _, h := range hits {
		hit := h.(map[string]any)
		r.Hits = append(r.Hits, hit)
		r.IDs = append(r.IDs, hit["id"].(string))
		r.Types = append(r.Types, hit["type"].(string))
	}
	facets, _ := out["facets"].(map[string]any)
	for name, values := range facets {
		r.Facets[name] = map[string]int{}
		for _, v := range values.([]any) {
			f := v.(map[string]any)
			r.Facets[name][f["value"].(string)] = int(f["count"].(float64))
		}
	}
	return r
}

// askAbout asks a question with topics and returns its id.
func askAbout(t *testing.T, base, token, space, title, body string, topics ...string) string {
	t.Helper()
	payload := fmt.Sprintf(`{"title":%q,"body":%q,"space":%q,"topics":[%s]}`, title, body, space, quoteAll(topics))
	status, q := api(t, http.MethodPost, base+"/api/v1/questions", token, payload)
	if status != http.StatusCreated {
		t.Fatalf("ask %q: %d %v", title, status, q)
	}
	return id(q)
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ",")
}

func TestDegradedSearchRanksAcrossTypes(t *testing.T) {
	agency := makeAgency(t)
	p, colleague := makePerson(t, agency, false), makePerson(t, agency, false)
	org := makeSpace(t, p, policies.Organisation, policies.RoleMember)
	stranger := makePerson(t, makeAgency(t), false)
	secret := makeSpace(t, stranger, policies.Private, policies.RoleMember)
	// Glossary abbreviations are synonyms; the term goes in before the
	// server starts, which caches the glossary.
	abbr := strings.ToUpper(strings.ReplaceAll(unique("zq"), "-", ""))
	if _, err := testDB.Pool.Exec(context.Background(), `INSERT INTO glossary_terms (slug, term, definition, abbreviations)
		VALUES ($1, 'Zentrale Quellablage', 'Wo alles liegt.', ARRAY[$2])`, strings.ToLower(abbr), abbr); err != nil {
		t.Fatal(err)
	}
	base := degradedServer(t)

	_, out := putPage(t, base, p.Token, org.Slug, "ablage", "Alles liegt in der Zentralen Quellablage.", 0)
	written := pageID(out)
	_, out = putPage(t, base, p.Token, org.Slug, "abgekuerzt", "Die "+abbr+" ist voll.", 0)
	abbreviated := pageID(out)
	putPage(t, base, p.Token, org.Slug, "reisen", "Hinweise zu Reisen. Am Ende folgt die Reisekostenabrechnung im Portal, "+
		strings.Repeat("mit vielen weiteren Worten über Fahrkarten und Hotels, ", 20), 0)
	question := "question-" + askAbout(t, base, p.Token, org.Slug, "Reisekostenabrechnung", "Wer prüft sie?")
	if status, out := api(t, http.MethodPut, base+"/api/v1/me/profile", colleague.Token, `{"position":"Sachbearbeitung Reisekostenabrechnung"}`); status != http.StatusOK {
		t.Fatalf("profile: %d %v", status, out)
	}
	hotel := askAbout(t, base, p.Token, org.Slug, "Frage zur Unterkunft", "Wer kümmert sich darum?")
	if status, out := api(t, http.MethodPost, base+"/api/v1/questions/"+hotel+"/answers", colleague.Token, `{"body":"Das Hotelzimmer bucht die Reisestelle."}`); status != http.StatusCreated {
		t.Fatalf("answer: %d %v", status, out)
	}
	_, out = putPage(t, base, p.Token, org.Slug, "strassen", "Die Straßenreinigung kommt dienstags. Zuständig ist die Straßenverkehrsbehörde.", 0)
	streets := pageID(out)
	putPage(t, base, stranger.Token, secret.Slug, "geheim", "Vertrauliche Reisekostenabrechnung und ein Hotelzimmer.", 0)

	waitCopied(t)
	r := searchDegraded(t, base, p.Token, "q=Reisekostenabrechnung")
	if r.Total != 3 {
		t.Fatalf("%d hits %v, want a page, a question and a person", r.Total, r.IDs)
	}
	if r.IDs[0] != question || !slices.Contains(r.Types, "page") || !slices.Contains(r.Types, "person") {
		t.Fatalf("one list: %v %v, want the question with the word as its title first, then a page and a person", r.IDs, r.Types)
	}
	if f := r.Facets["type"]; f["page"] != 1 || f["question"] != 1 || f["person"] != 1 || r.Facets["space_id"][fmt.Sprint(org.ID)] != 3 || r.Pages != 1 {
		t.Fatalf("facets %v, pages %d", r.Facets, r.Pages)
	}
	for _, h := range r.Hits {
		if h["type"] == "page" && !strings.Contains(fmt.Sprint(h["snippet"]), "<mark>Reisekostenabrechnung</mark>") {
			t.Errorf("snippet without the word marked: %v", h["snippet"])
		}
	}
	for query, want := range map[string]string{
		"Reisekostenabrechung":     question,            // a letter missing
		"Riesekostenabrechnung":    question,            // two letters swapped
		"Abrechnung":               question,            // a part of the compound
		"Hotelzimmer":              "question-" + hotel, // only in an answer
		"Strassenreinigung":        streets,             // ß written out
		"Reisekostenabrech":        question,            // typed so far
		"Strassenverkehrsbehoerde": streets,             // ß and ö written out in a compound
		abbr:                       written,             // an abbreviation from the glossary
		"zentrale Quellablage":     abbreviated,         // and the other way
	} {
		got := searchDegraded(t, base, p.Token, "q="+url.QueryEscape(query))
		if len(got.IDs) == 0 || want != "" && !slices.Contains(got.IDs, want) {
			t.Errorf("%q finds %v, want %s among them", query, got.IDs, want)
		}
		for _, h := range got.Hits {
			if h["space"] == secret.Slug {
				t.Errorf("%q finds %v in a space the searcher may not read", query, h["id"])
			}
		}
	}
	if got := searchDegraded(t, base, stranger.Token, "q=Hotelzimmer"); len(got.IDs) != 1 || got.Hits[0]["space"] != secret.Slug {
		t.Errorf("the private space's member finds %v", got.IDs)
	}

	// A person who hides their profile leaves PostgreSQL's copy too.
	if status, out := api(t, http.MethodPut, base+"/api/v1/me/profile", colleague.Token, `{"hidden":true}`); status != http.StatusOK {
		t.Fatalf("hide profile: %d %v", status, out)
	}
	eventually(t, 10*time.Second, "the hidden person is no longer found", func() bool {
		return !slices.Contains(searchDegraded(t, base, p.Token, "q=Reisekostenabrechnung").Types, "person")
	})
}

func TestDegradedSearchFiltersAndPages(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, p, policies.Private, policies.RoleMember)
	other := makeSpace(t, p, policies.Private, policies.RoleMember)
	base := degradedServer(t)
	for i := range 23 {
		putPage(t, base, p.Token, sp.Slug, fmt.Sprintf("aktenplan-%02d", i), fmt.Sprintf("Der Aktenplan, Teil %d.", i), 0)
	}
	// A topic of its own: the topic tree is shared with the other tests.
	topic := unique("Kassenwesen")
	status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+other.Slug+"/pages/haushalt", p.Token,
		`{"title":"Haushalt","body":"Der Aktenplan des Haushalts.","topics":["`+topic+`"]}`)
	if status != http.StatusCreated {
		t.Fatalf("page with a topic: %d %v", status, out)
	}
	withTopic := pageID(out)
	_, out = putPage(t, base, p.Token, sp.Slug, "alter-aktenplan", "Der alte Aktenplan.", 0)
	overdue := pageID(out)
	ctx := context.Background()
	if _, err := testDB.Pool.Exec(ctx, `UPDATE pages SET review_due = '2020-01-01' WHERE id = $1`, out["id"]); err != nil {
		t.Fatal(err)
	}
	if _, err := testDB.Pool.Exec(ctx, `INSERT INTO search_outbox (kind, item_id) VALUES ('page', $1)`, out["id"]); err != nil {
		t.Fatal(err)
	}
	answered := askAbout(t, base, p.Token, sp.Slug, "Wo liegt der Aktenplan?", "Ich suche ihn.")
	if status, out := api(t, http.MethodPost, base+"/api/v1/questions/"+answered+"/answers", p.Token, `{"body":"Im Intranet."}`); status != http.StatusCreated {
		t.Fatalf("answer: %d %v", status, out)
	}
	answered = "question-" + answered
	open := "question-" + askAbout(t, base, p.Token, sp.Slug, "Wer pflegt den Aktenplan?", "Niemand weiß es.")

	waitCopied(t)
	first := searchDegraded(t, base, p.Token, "q=Aktenplan")
	if first.Total != 27 {
		t.Fatalf("%d hits, want 27", first.Total)
	}
	second := searchDegraded(t, base, p.Token, "q=Aktenplan&page=2")
	if len(first.IDs) != 20 || len(second.IDs) != 7 || first.Pages != 2 || second.Total != 27 || second.Pages != 2 {
		t.Fatalf("paging: %d and %d hits, pages %d/%d, total %d", len(first.IDs), len(second.IDs), first.Pages, second.Pages, second.Total)
	}
	for _, id := range second.IDs {
		if slices.Contains(first.IDs, id) {
			t.Errorf("%s on both pages", id)
		}
	}
	if f := first.Facets; f["type"]["page"] != 25 || f["type"]["question"] != 2 || f["space_id"][fmt.Sprint(sp.ID)] != 26 ||
		f["space_id"][fmt.Sprint(other.ID)] != 1 || f["topics"][topic] != 1 {
		t.Errorf("facets: %v", f)
	}

	for params, want := range map[string][]string{
		"type=question":       {answered, open},
		"status=answered":     {answered},
		"status=unanswered":   {open},
		"status=needs_review": {overdue},
		"topic=" + topic:      {withTopic},
		"space=" + other.Slug: {withTopic},
		"type=person":         nil,
	} {
		got := searchDegraded(t, base, p.Token, "q=Aktenplan&"+params)
		slices.Sort(got.IDs)
		slices.Sort(want)
		if !slices.Equal(got.IDs, want) || got.Total != len(want) {
			t.Errorf("%s: %v (total %d), want %v", params, got.IDs, got.Total, want)
		}
	}
	verified := searchDegraded(t, base, p.Token, "q=Aktenplan&status=verified")
	if verified.Total != 24 || slices.Contains(verified.IDs, overdue) || slices.Contains(verified.Types, "question") {
		t.Errorf("verified: %d hits %v, want the 24 pages not due for review", verified.Total, verified.IDs)
	}
}
