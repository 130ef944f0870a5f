package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// An archived space takes no more changes, including those that need no
// write permission (the asker accepting, a page's owner confirming its
// review, authors editing or deleting their own posts): each is refused
// with 403 and a message that says the space is archived, in the API and
// on the pages, and nothing changes.
func TestArchivedSpaceRefusesEveryWrite(t *testing.T) {
	agency := makeAgency(t)
	owner, answerer, colleague := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Organisation, policies.RoleMember)
	live := makeSpace(t, owner, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	putPage(t, base, owner.Token, live.Slug, "neu", "Aktueller Inhalt.", 0)

	q := ask(t, base, owner.Token, sp.Slug, "Wo liegt die Akte?", "Im Archiv?")
	_, a := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/answers", answerer.Token, `{"body":"Im Keller."}`)
	putPage(t, base, owner.Token, sp.Slug, "alt", "Veralteter Inhalt.", 0)
	testDB.Pool.Exec(t.Context(), `UPDATE pages SET review_due = current_date - 30 WHERE slug = 'alt' AND space_id = $1`, sp.ID)
	if status, _ := api(t, http.MethodPatch, base+"/api/v1/spaces/"+sp.Slug, owner.Token, `{"archived":true}`); status != http.StatusOK {
		t.Fatalf("archive: %d", status)
	}

	const archived = "archiviert"
	for _, c := range []struct {
		name, method, path, token, body string
	}{
		{"accept", "POST", "/api/v1/answers/" + id(a) + "/accept", owner.Token, ""},
		{"answer", "POST", "/api/v1/questions/" + id(q) + "/answers", colleague.Token, `{"body":"Oben."}`},
		{"vote", "POST", "/api/v1/answers/" + id(a) + "/vote", colleague.Token, `{"value":1}`},
		{"delete one's own answer", "DELETE", "/api/v1/answers/" + id(a), answerer.Token, ""},
		{"delete one's own question", "DELETE", "/api/v1/questions/" + id(q), owner.Token, ""},
		{"edit a page", "PUT", "/api/v1/spaces/" + sp.Slug + "/pages/alt", owner.Token, `{"body":"Neu."}`},
		{"ask", "POST", "/api/v1/questions", colleague.Token, `{"title":"Noch eine Frage?","space":"` + sp.Slug + `"}`},
	} {
		status, out := api(t, c.method, base+c.path, c.token, c.body)
		if status != http.StatusForbidden || !strings.Contains(errMessage(out), archived) {
			t.Errorf("%s in an archived space: %d %q, want 403 saying it is archived", c.name, status, errMessage(out))
		}
	}

	o := newBrowser(t, base)
	o.signIn(owner.Email, owner.Password)
	_, page := o.get("/fragen/" + id(q))
	if !strings.Contains(page, archived) || strings.Contains(page, "/akzeptieren") {
		t.Error("the question page of an archived space must say so and offer no acceptance")
	}
	if _, body := o.get("/pruefung"); strings.Contains(body, ">alt</a>") {
		t.Error("the review queue offers a page of an archived space")
	}
	for _, c := range []struct {
		name, path string
		form       url.Values
	}{
		{"accept", "/fragen/" + id(q) + "/akzeptieren", url.Values{"answer": {id(a)}}},
		{"confirm a review", "/bereiche/" + sp.Slug + "/seiten/alt/geprueft", url.Values{}},
		{"edit one's own question", "/fragen/" + id(q) + "/bearbeiten", url.Values{"title": {"Wo liegt die Akte jetzt?"}, "body": {"Neu."}, "base_revision": {"1"}}},
		{"comment", "/fragen/" + id(q) + "/kommentare", url.Values{"on": {"question"}, "body": {"Danke."}}},
		{"move a page out", "/bereiche/" + sp.Slug + "/seiten/alt/verschieben", url.Values{"space": {live.Slug}}},
		{"move a page in", "/bereiche/" + live.Slug + "/seiten/neu/verschieben", url.Values{"space": {sp.Slug}}},
	} {
		resp, body := o.post("", c.path, c.form)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, archived) {
			t.Errorf("%s in an archived space: %d, want 403 saying it is archived", c.name, resp.StatusCode)
		}
	}

	var accepted, reviewed bool
	testDB.Pool.QueryRow(t.Context(), `SELECT accepted_answer_id IS NOT NULL FROM questions WHERE id = $1`, id(q)).Scan(&accepted)
	testDB.Pool.QueryRow(t.Context(), `SELECT reviewed_at IS NOT NULL FROM pages WHERE slug = 'alt' AND space_id = $1`, sp.ID).Scan(&reviewed)
	if accepted || reviewed {
		t.Errorf("an archived space changed: accepted %v, reviewed %v", accepted, reviewed)
	}
}
