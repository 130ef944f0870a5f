package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// The link to the wiki page an accepted answer became is shown only to
// readers of that page's space, asked at read time: promoted into a
// private space, or moved there later, the page's address (its title, in
// effect) reaches nobody else, neither in the API nor on the pages.
func TestPromotedPageOnlyForItsReaders(t *testing.T) {
	agency := makeAgency(t)
	asker, answerer, colleague := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	priv := makeSpace(t, asker, policies.Private, policies.RoleViewer)
	base := startServer(t)
	seesSpace(t, base, asker, priv)

	q := ask(t, base, asker.Token, sp.Slug, "Wie kündige ich einem Mitarbeiter?", "Ein konkreter Fall.")
	_, a := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/answers", answerer.Token, `{"body":"Mit der Personalabteilung."}`)
	if status, _ := api(t, http.MethodPost, base+"/api/v1/answers/"+id(a)+"/accept", asker.Token, ""); status != http.StatusOK {
		t.Fatalf("accept: %d", status)
	}
	const slug = "kuendigung-herr-maier"
	if status, out := putPage(t, base, asker.Token, sp.Slug, slug, "Vermerk.", 0); status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("page: %d %v", status, out)
	}
	ctx := context.Background()
	if _, err := testDB.Pool.Exec(ctx, `UPDATE questions SET wiki_page_id = (SELECT id FROM pages WHERE space_id = $2 AND slug = $3) WHERE id = $1`,
		id(q), sp.ID, slug); err != nil {
		t.Fatal(err)
	}

	reads := func(p person) []string {
		t.Helper()
		var seen []string
		for _, path := range []string{"/api/v1/questions/" + id(q), "/api/v1/questions?space=" + sp.Slug} {
			req, _ := http.NewRequest(http.MethodGet, base+path, nil)
			req.Header.Set("Authorization", "Bearer "+p.Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			if strings.Contains(string(raw), slug) || strings.Contains(string(raw), "wiki_url") {
				seen = append(seen, path)
			}
		}
		br := newBrowser(t, base)
		br.signIn(p.Email, p.Password)
		for _, path := range []string{"/fragen/" + id(q), "/fragen?bereich=" + sp.Slug} {
			if _, body := br.get(path); strings.Contains(body, slug) || strings.Contains(body, "ins Wiki übernommen") {
				seen = append(seen, path)
			}
		}
		return seen
	}

	// In the organisation space, everyone who reads the question may read
	// the page: the link is in both API answers and on the question's page
	// (the list page shows no link).
	if seen := reads(colleague); len(seen) != 3 {
		t.Errorf("a reader of the page's space sees the link only at %v", seen)
	}
	// Moved into a private space later: from then on only its members.
	if _, err := testDB.Pool.Exec(ctx, `UPDATE pages SET space_id = $2 WHERE space_id = $1 AND slug = $3`, sp.ID, priv.ID, slug); err != nil {
		t.Fatal(err)
	}
	if seen := reads(colleague); len(seen) != 0 {
		t.Errorf("the page moved into a private space still shows itself to a non-member at %v", seen)
	}
	if seen := reads(asker); len(seen) != 3 {
		t.Errorf("a member of the private space sees the link only at %v", seen)
	}
}
