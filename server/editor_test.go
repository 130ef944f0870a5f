package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// suggestions reads the items of a suggestion endpoint.
func suggestions(t *testing.T, b *browser, path string) (int, []map[string]string) {
	t.Helper()
	resp, body := b.get(path)
	var out struct {
		Items []map[string]string `json:"items"`
	}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatalf("%s: %v in %q", path, err, body)
		}
	}
	return resp.StatusCode, out.Items
}

func TestEditorPreviewRendersLikeThePageAndChecksAccess(t *testing.T) {
	agency := makeAgency(t)
	member, outsider := makePerson(t, agency, false), makePerson(t, agency, false)
	private := makeSpace(t, member, policies.Private, policies.RoleMember)
	base := startServer(t)
	if status, _ := putPage(t, base, member.Token, private.Slug, "ablauf", "Der Ablauf.", 0); status != http.StatusCreated {
		t.Fatalf("create page: %d", status)
	}
	mb, ob := newBrowser(t, base), newBrowser(t, base)
	mb.signIn(member.Email, member.Password)
	ob.signIn(outsider.Email, outsider.Password)
	// Signing in starts a new session: the forms carry its token.
	mb.get("/bereiche/" + private.Slug + "/neu")
	ob.get("/profil")
	preview := "/bereiche/" + private.Slug + "/vorschau"
	text := url.Values{"body": {"**fett** und [[Ablauf]] und [[Fehlt noch]]"}}

	resp, body := mb.post("/bereiche/"+private.Slug+"/neu", preview, text)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `class="editor-preview-body"`) ||
		!strings.Contains(body, "<strong>fett</strong>") {
		t.Fatalf("member preview: %d %s", resp.StatusCode, body)
	}
	// Wiki links resolve as on the saved page: an existing page is linked,
	// a missing one offers to create it.
	if !strings.Contains(body, `href="/bereiche/`+private.Slug+`/seiten/ablauf"`) ||
		!strings.Contains(body, `/bereiche/`+private.Slug+`/neu?titel=Fehlt+noch`) {
		t.Errorf("wiki links not resolved in the preview: %s", body)
	}

	// A non-member learns nothing: 404 for the preview and the page list.
	if resp, body := ob.post("/profil", preview, url.Values{"body": {"x"}}); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "editor-preview-body") {
		t.Errorf("outsider preview: %d", resp.StatusCode)
	}
	if status, _ := suggestions(t, ob, "/bereiche/"+private.Slug+"/seitenvorschlaege?q=abl"); status != http.StatusNotFound {
		t.Errorf("outsider page suggestions: %d", status)
	}

	// Without the CSRF token the preview is refused.
	req, _ := http.NewRequest(http.MethodPost, base+preview, strings.NewReader(url.Values{"body": text["body"]}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, body := mb.do(req); resp.StatusCode != http.StatusForbidden || strings.Contains(body, "<strong>fett</strong>") {
		t.Errorf("preview without CSRF token: %d", resp.StatusCode)
	}

	// The board's preview renders Markdown for people who may write.
	resp, body = mb.post("/fragen/neu", "/fragen/vorschau", url.Values{"body": {"_schräg_"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<em>schräg</em>") {
		t.Errorf("board preview: %d", resp.StatusCode)
	}
}

func TestPageSuggestionsOnlyFromReadableSpaces(t *testing.T) {
	agency := makeAgency(t)
	member, other := makePerson(t, agency, false), makePerson(t, agency, false)
	home := makeSpace(t, member, policies.Organisation, policies.RoleMember)
	elsewhere := makeSpace(t, member, policies.Organisation, policies.RoleMember)
	private := makeSpace(t, other, policies.Private, policies.RoleMember)
	base := startServer(t)
	for _, p := range []struct{ space, slug, body string }{
		{home.Slug, "reisekosten", "Hier."}, {elsewhere.Slug, "reisekosten-ausland", "Dort."}, {private.Slug, "reisekosten-geheim", "Geheim."},
	} {
		token := member.Token
		if p.space == private.Slug {
			token = other.Token
		}
		if status, _ := putPage(t, base, token, p.space, p.slug, p.body, 0); status != http.StatusCreated {
			t.Fatalf("create %s: %d", p.slug, status)
		}
	}
	b := newBrowser(t, base)
	b.signIn(member.Email, member.Password)
	status, items := suggestions(t, b, "/bereiche/"+home.Slug+"/seitenvorschlaege?q=reise")
	if status != http.StatusOK {
		t.Fatalf("suggestions: %d", status)
	}
	var inserts []string
	for _, it := range items {
		inserts = append(inserts, it["insert"])
	}
	got := strings.Join(inserts, " ")
	// Pages of the editor's own space come first and need no space prefix.
	if len(inserts) != 2 || inserts[0] != "[[reisekosten]]" || inserts[1] != "[["+elsewhere.Slug+":reisekosten ausland]]" {
		t.Errorf("suggestions: %s", got)
	}
	if strings.Contains(got, "geheim") {
		t.Errorf("a page of an unreadable space is suggested: %s", got)
	}
}

func TestPeopleSuggestionsFollowTheDirectory(t *testing.T) {
	agency, foreign := makeAgency(t), makeAgency(t)
	viewer, colleague, hidden := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	stranger := makePerson(t, foreign, false)
	admin := makePerson(t, foreign, true)
	if _, err := testDB.Pool.Exec(t.Context(), `UPDATE profiles SET hidden = true WHERE account_id = $1`, hidden.ID); err != nil {
		t.Fatal(err)
	}
	base := startServer(t)
	b := newBrowser(t, base)
	b.signIn(viewer.Email, viewer.Password)
	handles := func(b *browser, q string) string {
		t.Helper()
		status, items := suggestions(t, b, "/personenvorschlaege?q="+url.QueryEscape(q))
		if status != http.StatusOK {
			t.Fatalf("people suggestions: %d", status)
		}
		var hs []string
		for _, it := range items {
			hs = append(hs, it["insert"])
		}
		return " " + strings.Join(hs, " ") + " "
	}
	for _, p := range []person{colleague, hidden, stranger} {
		got := handles(b, "@"+p.Handle)
		want := p.ID == colleague.ID
		if strings.Contains(got, " @"+p.Handle+" ") != want {
			t.Errorf("suggesting %s (colleague %v): %q", p.Handle, want, got)
		}
	}
	// Admins find people of every agency, but hidden profiles never.
	ab := newBrowser(t, base)
	ab.signIn(admin.Email, admin.Password)
	if got := handles(ab, colleague.Handle); !strings.Contains(got, " @"+colleague.Handle+" ") {
		t.Errorf("admin does not find the colleague: %q", got)
	}
	if got := handles(ab, hidden.Handle); strings.Contains(got, hidden.Handle) {
		t.Errorf("admin is offered a hidden profile: %q", got)
	}
}
