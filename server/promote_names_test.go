package main

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// Taking a question into the wiki names only people whom the person doing
// it could find in the directory, or members of the question's space;
// everyone else keeps the bare handle.
func TestPromoteNamesOnlyFindablePeople(t *testing.T) {
	agency, other := makeAgency(t), makeAgency(t)
	asker, km := makePerson(t, agency, false), makePerson(t, agency, false)
	listed, hidden := makePerson(t, agency, false), makePerson(t, agency, false)
	foreign, guest := makePerson(t, other, false), makePerson(t, other, false)
	ctx := context.Background()
	testDB.Pool.Exec(ctx, `UPDATE accounts SET is_knowledge_manager = true WHERE id = $1`, km.ID)
	testDB.Pool.Exec(ctx, `UPDATE profiles SET hidden = true WHERE account_id = $1`, hidden.ID)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	addMember(t, sp, guest, policies.RoleMember)
	base := startServer(t)
	q := ask(t, base, asker.Token, sp.Slug, "Wer kennt sich mit Fristen aus?",
		"Fragt @"+listed.Handle+", @"+hidden.Handle+", @"+foreign.Handle+" und @"+guest.Handle+".")
	_, a := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/answers", guest.Token, `{"body":"Frag @`+hidden.Handle+`."}`)
	api(t, http.MethodPost, base+"/api/v1/answers/"+id(a)+"/accept", asker.Token, "")

	br := newBrowser(t, base)
	br.signIn(km.Email, km.Password)
	br.get("/fragen/" + id(q) + "/ins-wiki")
	resp, _ := br.post("", "/fragen/"+id(q)+"/ins-wiki", url.Values{"space": {strconv.FormatInt(sp.ID, 10)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("promote: %d", resp.StatusCode)
	}
	_, page := br.get(resp.Header.Get("Location"))
	body := regexpTextarea(t, page)
	for _, want := range []string{"Fragt " + listed.DisplayName + ", " + hidden.Handle + ", " + foreign.Handle + " und " + guest.DisplayName + ".", "Frag " + hidden.Handle + "."} {
		if !strings.Contains(body, want) {
			t.Errorf("the prefilled text lacks %q: %q", want, body)
		}
	}
	for _, leak := range []string{hidden.DisplayName, foreign.DisplayName} {
		if strings.Contains(body, leak) {
			t.Errorf("the prefilled text names %q, whom the directory does not show: %q", leak, body)
		}
	}
}
