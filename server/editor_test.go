package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
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

// Without JavaScript, "Vorschau" on the board's forms shows the rendered
// text with everything typed kept, and saves nothing.
func TestBoardPreviewWithoutJavaScriptKeepsTheForm(t *testing.T) {
	asker := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	b := newBrowser(t, base)
	b.signIn(asker.Email, asker.Password)
	b.get("/fragen/neu")
	resp, page := b.post("/fragen/neu", "/fragen", url.Values{
		"title": {"Wie rechne ich ab?"}, "body": {"Mit **Belegen**?"}, "topics": {"Reisekosten"},
		"space": {strconv.FormatInt(sp.ID, 10)}, "action": {"preview"},
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ask preview: %d", resp.StatusCode)
	}
	for _, want := range []string{"<strong>Belegen</strong>", "Mit **Belegen**?", `value="Wie rechne ich ab?"`, `value="Reisekosten"`, `id="f-body-editor"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the ask preview lacks %q", want)
		}
	}
	var n int
	testDB.Pool.QueryRow(t.Context(), `SELECT count(*) FROM questions WHERE author_id = $1`, asker.ID).Scan(&n)
	if n != 0 {
		t.Fatalf("%d questions saved by a preview", n)
	}

	q := ask(t, base, asker.Token, sp.Slug, "Wie rechne ich eine Dienstreise ab?", "Frage.")
	resp, page = b.post("/fragen/"+id(q), "/fragen/"+id(q)+"/antworten", url.Values{"body": {"Mit dem _Formular_."}, "action": {"preview"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "<em>Formular</em>") || !strings.Contains(page, "Mit dem _Formular_.") {
		t.Errorf("answer preview: %d", resp.StatusCode)
	}
	testDB.Pool.QueryRow(t.Context(), `SELECT count(*) FROM answers WHERE question_id = $1`, id(q)).Scan(&n)
	if n != 0 {
		t.Fatalf("%d answers saved by a preview", n)
	}

	// Inviting someone unknown by handle comes back with the handle kept.
	resp, page = b.post("/fragen/"+id(q), "/fragen/"+id(q)+"/einladen", url.Values{"handle": {"@niemand-da"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="@niemand-da"`) || !strings.Contains(page, "niemand-da") {
		t.Errorf("invitation of an unknown handle: %d", resp.StatusCode)
	}
}
