package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// A search that finds nothing proposes a topic's spelling, in the API and
// on the page, and the page offers to ask the question or browse topics.
func TestSearchWithoutHitsProposesAnotherSpelling(t *testing.T) {
	agency := makeAgency(t)
	member := makePerson(t, agency, false)
	sp := makeSpace(t, member, policies.Organisation, policies.RoleMember)
	if _, err := testDB.Pool.Exec(context.Background(), `INSERT INTO topics (slug, name) VALUES ('zuwendungspruefung', 'Zuwendungsprüfung') ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	base := searchServer(t, nil)
	warmUp(t, base, member.Token, sp.Slug)

	typo := "Zuwendungsprüfnug"
	status, out := api(t, http.MethodGet, base+"/api/v1/search?q="+url.QueryEscape(typo), member.Token, "")
	if status != http.StatusOK || out["total"] != float64(0) {
		t.Fatalf("search %q: %d %v", typo, status, out)
	}
	if out["did_you_mean"] != "Zuwendungsprüfung" {
		t.Errorf("did_you_mean = %v, want Zuwendungsprüfung", out["did_you_mean"])
	}
	if _, out := api(t, http.MethodGet, base+"/api/v1/search?q=Aufw%C3%A4rmseite", member.Token, ""); out["did_you_mean"] != nil {
		t.Errorf("a search with hits proposes %v", out["did_you_mean"])
	}

	b := newBrowser(t, base)
	if resp, _ := b.signIn(member.Email, member.Password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	resp, body := b.get("/suche?q=" + url.QueryEscape(typo))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search page: %d", resp.StatusCode)
	}
	for _, want := range []string{
		"Meinten Sie:",
		`href="/suche?q=Zuwendungspr%C3%BCfung"`,
		`href="/fragen/neu?titel=Zuwendungspr%C3%BCfnug"`,
		`href="/themen"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the search page without hits lacks %s", want)
		}
	}
}
