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

// submit sends a form from the page that shows it, as a browser does:
// with that page as Referer (the site's Referrer-Policy is same-origin).
func (b *browser) submit(formPage, path string, values url.Values) (*http.Response, string) {
	b.t.Helper()
	if b.csrf == "" {
		b.get(formPage)
	}
	values.Set("csrf_token", b.csrf)
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "de")
	req.Header.Set("Referer", b.base+formPage)
	return b.do(req)
}

// wantBackTo checks that a rejected form was answered with 303 to its own
// page, the way a reload cannot send it again.
func wantBackTo(t *testing.T, what string, resp *http.Response, formPage string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != formPage+"#error-summary" {
		t.Fatalf("%s: %d to %q, want 303 to %s#error-summary", what, resp.StatusCode, resp.Header.Get("Location"), formPage)
	}
}

func wantIn(t *testing.T, what, page string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(page, want) {
			t.Errorf("%s lacks %s", what, want)
		}
	}
}

// A question refused for its empty title: the POST answers 303 to the ask
// form, whose address then shows what was typed, the summary naming the
// field and a title saying there are errors, once; the same page is not
// shown to another session, nothing is saved, and the API still answers
// 422 directly.
func TestRejectedQuestionReturnsToTheAskForm(t *testing.T) {
	asker := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	b := newBrowser(t, base)
	b.signIn(asker.Email, asker.Password)
	b.get("/fragen/neu")
	body := "Die Details, die niemand zweimal tippen möchte."
	values := func() url.Values {
		return url.Values{"title": {""}, "body": {body}, "topics": {"Reisekosten"}, "space": {strconv.FormatInt(sp.ID, 10)}, "action": {"ask"}}
	}
	resp, _ := b.submit("/fragen/neu", "/fragen", values())
	wantBackTo(t, "empty title", resp, "/fragen/neu")
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the redirect may be cached: %q", cc)
	}
	resp, page := b.get("/fragen/neu")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the form's address after the redirect: %d", resp.StatusCode)
	}
	wantIn(t, "the returned ask form", page, body, `value="Reisekosten"`, `aria-invalid="true"`, `<title>Fehler: `,
		`href="#f-title">Ihre Frage in einem Satz: Bitte füllen Sie dieses Feld aus.</a>`, `id="f-title"`, `id="error-summary"`)
	if _, page := b.get("/fragen/neu"); strings.Contains(page, body) || strings.Contains(page, "Fehler:") {
		t.Error("a second GET shows the rejected form again")
	}

	// Another session holding the same cookie sees an empty form, and
	// the page stays for its owner.
	other := makePerson(t, makeAgency(t), false)
	addMember(t, sp, other, policies.RoleMember)
	b2 := newBrowser(t, base)
	b2.signIn(other.Email, other.Password)
	resp, _ = b.submit("/fragen/neu", "/fragen", values())
	wantBackTo(t, "empty title again", resp, "/fragen/neu")
	u, _ := url.Parse(base + "/fragen/neu")
	copied := false
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "fachnetz_form" {
			b2.client.Jar.SetCookies(u, []*http.Cookie{{Name: c.Name, Value: c.Value, Path: "/fragen/neu"}})
			copied = true
		}
	}
	if !copied {
		t.Fatal("no form cookie to copy")
	}
	b2.csrf = ""
	if _, page := b2.get("/fragen/neu"); strings.Contains(page, body) {
		t.Fatal("another session was shown what was typed")
	}
	if _, page := b.get("/fragen/neu"); !strings.Contains(page, body) {
		t.Error("the owner lost the page after another session tried it")
	}

	var n int
	testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM questions WHERE author_id = $1`, asker.ID).Scan(&n)
	if n != 0 {
		t.Fatalf("%d questions saved from a refused form", n)
	}
	status, _ := api(t, http.MethodPost, base+"/api/v1/questions", asker.Token, `{"title":"","space":"`+sp.Slug+`"}`)
	if status != http.StatusUnprocessableEntity {
		t.Errorf("the API answers a question without title %d, want 422", status)
	}
}

// A new space refused for its name and visibility comes back at
// /bereiche/neu; the summary's link to the radio group lands on its first
// choice.
func TestRejectedSpaceReturnsToItsForm(t *testing.T) {
	owner := makePerson(t, makeAgency(t), false)
	b := newBrowser(t, startServer(t))
	b.signIn(owner.Email, owner.Password)
	b.get("/bereiche/neu")
	resp, _ := b.submit("/bereiche/neu", "/bereiche", url.Values{"name": {""}, "description": {"Austausch der Kita-Leitungen"}, "visibility": {"geheim"}})
	wantBackTo(t, "empty name", resp, "/bereiche/neu")
	_, page := b.get("/bereiche/neu")
	wantIn(t, "the returned space form", page, "Austausch der Kita-Leitungen", `<title>Fehler: `,
		`href="#f-name">Name: Bitte füllen Sie dieses Feld aus.</a>`, `href="#f-visibility">`, `type="radio" id="f-visibility"`)
	if _, page := b.get("/bereiche/neu"); strings.Contains(page, "Kita-Leitungen") {
		t.Error("a second GET shows the rejected form again")
	}
}

// A refused sign-in returns to /anmelden with the e-mail address filled
// in; the password is neither shown nor kept.
func TestRejectedSignInKeepsNoPassword(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	b := newBrowser(t, startServer(t))
	b.get("/anmelden")
	wrong := "falsches-passwort-" + p.Handle
	resp, _ := b.submit("/anmelden", "/anmelden", url.Values{"email": {p.Email}, "password": {wrong}})
	wantBackTo(t, "wrong password", resp, "/anmelden")
	var kept, withPassword int
	testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE page LIKE '%' || $1 || '%'), count(*) FILTER (WHERE strpos(page, $2) > 0) FROM form_returns`,
		p.Email, wrong).Scan(&kept, &withPassword)
	if kept != 1 || withPassword != 0 {
		t.Fatalf("pages kept with the address: %d, with the password: %d", kept, withPassword)
	}
	_, page := b.get("/anmelden")
	wantIn(t, "the returned sign-in form", page, `value="`+p.Email+`"`, `<title>Fehler: `, `id="error-summary"`)
	if strings.Contains(page, wrong) {
		t.Error("the password came back")
	}
}

// The editor refused for a date that is none returns to the editor with
// the text typed and the revision it started from, so that a save after a
// colleague's meanwhile still merges; the conflict page of overlapping
// edits is answered directly, with both versions, never by a redirect.
func TestRejectedEditReturnsToTheEditorAndConflictsStay(t *testing.T) {
	agency := makeAgency(t)
	a, b := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, a, policies.Private, policies.RoleMember)
	addMember(t, sp, b, policies.RoleMember)
	base := startServer(t)
	putPage(t, base, a.Token, sp.Slug, "fristen", threeParagraphs, 0)
	edit := "/bereiche/" + sp.Slug + "/seiten/fristen/bearbeiten"
	br := newBrowser(t, base)
	br.signIn(b.Email, b.Password)
	_, form := br.get(edit)
	meta := regexpValue(t, form, "base_meta")
	mine := strings.Replace(threeParagraphs, "Zweiter", "Zweiter von B", 1)
	resp, _ := br.submit(edit, edit, url.Values{"title": {"fristen"}, "body": {mine}, "base_revision": {"1"}, "base_meta": {meta},
		"review_interval": {"365"}, "review_due": {"morgen"}})
	wantBackTo(t, "a date that is none", resp, edit)
	_, page := br.get(edit)
	if regexpTextarea(t, page) != mine || regexpValue(t, page, "base_revision") != "1" {
		t.Fatalf("the returned editor lost the text or its base revision")
	}
	wantIn(t, "the returned editor", page, `<title>Fehler: `, `id="error-summary"`)

	putPage(t, base, a.Token, sp.Slug, "fristen", strings.Replace(threeParagraphs, "Zweiter", "Zweiter von A", 1), 1)
	resp, conflict := br.submit(edit, edit, url.Values{"title": {"fristen"}, "body": {mine}, "base_revision": {"1"},
		"base_meta": {regexpValue(t, page, "base_meta")}, "review_interval": {"365"}})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("overlapping edits: %d, want the conflict page (409)", resp.StatusCode)
	}
	wantIn(t, "the conflict page", conflict, "Zweiter von A", "Zweiter von B")
}

// A new page refused for its empty title keeps its text as the author's
// draft: the refusal is shown once, and a reload after it offers the text
// to restore instead of an empty editor. The save that follows ends the
// draft.
func TestRejectedNewPageKeepsItsTextAsDraft(t *testing.T) {
	author := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, author, policies.Organisation, policies.RoleMember)
	b := newBrowser(t, startServer(t))
	b.signIn(author.Email, author.Password)
	editor := "/bereiche/" + sp.Slug + "/neu"
	b.get(editor)
	body := strings.Repeat("Ein langer Absatz, der ohne JavaScript geschrieben wurde.\n\n", 40)
	values := url.Values{"title": {""}, "body": {body}, "review_interval": {"365"}, "action": {"save"}}
	resp, _ := b.submit(editor, "/bereiche/"+sp.Slug+"/seiten", values)
	wantBackTo(t, "empty title", resp, editor)
	if _, page := b.get(editor); regexpTextarea(t, page) != body {
		t.Fatal("the refusal lost the text")
	}
	_, page := b.get(editor)
	wantIn(t, "the editor opened again", page, "Entwurf vom", `href="`+editor+`?entwurf=wiederherstellen"`)
	if _, page := b.get(editor + "?entwurf=wiederherstellen"); regexpTextarea(t, page) != body {
		t.Fatal("the restored draft lacks the text")
	}
	values.Set("title", "Dienstreisen ohne Skript")
	if resp, _ := b.submit(editor, "/bereiche/"+sp.Slug+"/seiten", values); resp.StatusCode != http.StatusSeeOther ||
		strings.HasSuffix(resp.Header.Get("Location"), "#error-summary") {
		t.Fatalf("save: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := draftCount(t, author.ID); n != 0 {
		t.Fatalf("%d drafts outlived the save", n)
	}
}

// Sign-out deletes the pages kept for the session's refused forms, even
// those not yet shown.
func TestSignOutDeletesTheSessionsKeptForms(t *testing.T) {
	owner := makePerson(t, makeAgency(t), false)
	b := newBrowser(t, startServer(t))
	b.signIn(owner.Email, owner.Password)
	b.get("/bereiche/neu")
	typed := "Abgewiesen vor der Abmeldung " + owner.Handle
	resp, _ := b.submit("/bereiche/neu", "/bereiche", url.Values{"name": {""}, "description": {typed}, "visibility": {"geheim"}})
	wantBackTo(t, "empty name", resp, "/bereiche/neu")
	kept := func() (n int) {
		testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM form_returns WHERE strpos(page, $1) > 0`, typed).Scan(&n)
		return n
	}
	if n := kept(); n != 1 {
		t.Fatalf("%d pages kept for the refused form, want 1", n)
	}
	b.signOut()
	if n := kept(); n != 0 {
		t.Fatalf("%d pages kept after sign-out", n)
	}
}

// A question refused for its short title keeps its text as the asker's
// draft, offered when the ask form opens again; an empty answer refused
// leaves no draft, as there was nothing to lose.
func TestRejectedQuestionKeepsItsTextAsDraft(t *testing.T) {
	asker := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	b := newBrowser(t, startServer(t))
	b.signIn(asker.Email, asker.Password)
	b.get("/fragen/neu")
	body := "Welche Belege braucht die Reisekostenstelle für eine Bahnfahrt?"
	values := url.Values{"title": {"Wie?"}, "body": {body}, "space": {strconv.FormatInt(sp.ID, 10)}, "action": {"ask"}}
	resp, _ := b.submit("/fragen/neu", "/fragen", values)
	wantBackTo(t, "short title", resp, "/fragen/neu")
	b.get("/fragen/neu")
	_, page := b.get("/fragen/neu")
	wantIn(t, "the ask form opened again", page, "Entwurf vom")
	if _, page := b.get("/fragen/neu?entwurf=wiederherstellen"); !strings.Contains(page, body) {
		t.Fatal("the restored draft lacks the text")
	}
	values.Set("title", "Welche Belege braucht die Reisekostenstelle?")
	resp, _ = b.submit("/fragen/neu", "/fragen", values)
	question := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || draftCount(t, asker.ID) != 0 {
		t.Fatalf("ask: %d to %q, %d drafts left", resp.StatusCode, question, draftCount(t, asker.ID))
	}
	b.get(question)
	resp, _ = b.submit(question, question+"/antworten", url.Values{"body": {" "}})
	wantBackTo(t, "empty answer", resp, question)
	if n := draftCount(t, asker.ID); n != 0 {
		t.Fatalf("an empty answer left %d drafts", n)
	}
}
