package main

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

const threeParagraphs = "Erster Absatz.\n\nZweiter Absatz.\n\nDritter Absatz.\n"

// Two edits of the same revision that change different paragraphs are
// merged: both changes are in the page, the answer says so, and the
// revision message names the merge.
func TestAPISavesMergeSeparateChanges(t *testing.T) {
	agency := makeAgency(t)
	a, b := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, a, policies.Private, policies.RoleMember)
	addMember(t, sp, b, policies.RoleMember)
	base := startServer(t)
	putPage(t, base, a.Token, sp.Slug, "fristen", threeParagraphs, 0)
	if status, out := putPage(t, base, a.Token, sp.Slug, "fristen", strings.Replace(threeParagraphs, "Erster", "Geänderter erster", 1), 1); status != http.StatusOK || out["merged"] != nil {
		t.Fatalf("first save: %d %v", status, out)
	}
	status, out := putPage(t, base, b.Token, sp.Slug, "fristen", strings.Replace(threeParagraphs, "Dritter", "Geänderter dritter", 1), 1)
	if status != http.StatusOK || out["merged"] != true || out["merged_with_revision"] != float64(2) || out["revision"] != float64(3) {
		t.Fatalf("second save: %d %v", status, out)
	}
	want := "Geänderter erster Absatz.\n\nZweiter Absatz.\n\nGeänderter dritter Absatz.\n"
	if out["body"] != want {
		t.Fatalf("merged body %q, want %q", out["body"], want)
	}
	_, revs := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/pages/fristen/revisions", a.Token, "")
	newest := revs["revisions"].([]any)[0].(map[string]any)
	if msg, _ := newest["message"].(string); !strings.Contains(msg, "zusammengeführt") || !strings.Contains(msg, a.DisplayName) {
		t.Fatalf("revision message %q does not name the merge", msg)
	}

	// A title changed on one side only is taken over.
	status, out = api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/pages/fristen", a.Token,
		`{"title":"Fristen im Bauamt","base_revision":3}`)
	if status != http.StatusOK {
		t.Fatalf("rename: %d %v", status, out)
	}
	status, out = api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/pages/fristen", b.Token,
		fmt.Sprintf(`{"title":"fristen","body":%q,"base_revision":3}`, want+"\nNachtrag.\n"))
	if status != http.StatusOK || out["title"] != "Fristen im Bauamt" || !strings.HasSuffix(out["body"].(string), "Nachtrag.\n") {
		t.Fatalf("title-only change against a text change: %d %v", status, out)
	}
}

// Changes to the same paragraph answer 409 with the page as it is now,
// the conflicting parts and a text that holds both; nothing is saved.
func TestAPIOverlappingChangesConflict(t *testing.T) {
	agency := makeAgency(t)
	a, b := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, a, policies.Private, policies.RoleMember)
	addMember(t, sp, b, policies.RoleMember)
	base := startServer(t)
	putPage(t, base, a.Token, sp.Slug, "fristen", threeParagraphs, 0)
	putPage(t, base, a.Token, sp.Slug, "fristen", strings.Replace(threeParagraphs, "Zweiter", "Zweiter von A", 1), 1)
	status, out := putPage(t, base, b.Token, sp.Slug, "fristen", strings.Replace(threeParagraphs, "Zweiter", "Zweiter von B", 1), 1)
	if status != http.StatusConflict {
		t.Fatalf("overlapping save: %d %v", status, out)
	}
	parts, _ := out["conflicts"].([]any)
	if len(parts) != 1 {
		t.Fatalf("conflicts: %v", out["conflicts"])
	}
	part := parts[0].(map[string]any)
	if part["field"] != "body" || part["ours"] != "Zweiter von B Absatz.\n" || part["theirs"] != "Zweiter von A Absatz.\n" {
		t.Fatalf("conflict part: %v", part)
	}
	if merged, _ := out["merged_body"].(string); !strings.Contains(merged, "von A") || !strings.Contains(merged, "von B") {
		t.Fatalf("merged_body lacks a version: %q", merged)
	}
	if cur, _ := out["current"].(map[string]any); cur["revision"] != float64(2) {
		t.Fatalf("current: %v", out["current"])
	}
	if _, page := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/pages/fristen", a.Token, ""); page["revision"] != float64(2) {
		t.Fatalf("a conflicting save was stored: %v", page["revision"])
	}
}

// The web editor merges too: the page says with whose changes. An
// overlapping edit shows both versions; saving the form as it comes keeps
// both texts.
func TestWebEditorMerges(t *testing.T) {
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
	putPage(t, base, a.Token, sp.Slug, "fristen", strings.Replace(threeParagraphs, "Erster", "Erster von A", 1), 1)
	resp, _ := br.post("", edit, url.Values{"title": {"fristen"}, "body": {strings.Replace(threeParagraphs, "Dritter", "Dritter von B", 1)},
		"base_revision": {"1"}, "base_meta": {meta}, "review_interval": {"365"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("separate changes: %d", resp.StatusCode)
	}
	_, page := br.get(resp.Header.Get("Location"))
	if !strings.Contains(page, "mit den Änderungen von "+a.DisplayName+" (Version 2) zusammengeführt") {
		t.Error("the page does not say that the edit was merged")
	}
	if !strings.Contains(page, "Erster von A") || !strings.Contains(page, "Dritter von B") {
		t.Fatal("a change is missing after the merge")
	}

	putPage(t, base, a.Token, sp.Slug, "fristen", "Erster von A Absatz.\n\nZweiter neu von A.\n\nDritter von B Absatz.\n", 3)
	resp, conflict := br.post("", edit, url.Values{"title": {"fristen"}, "body": {"Erster von A Absatz.\n\nZweiter neu von B.\n\nDritter von B Absatz.\n"},
		"base_revision": {"3"}, "base_meta": {meta}, "review_interval": {"365"}})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("overlapping changes: %d", resp.StatusCode)
	}
	for _, want := range []string{"Zweiter neu von B.\n</pre>", "Zweiter neu von A.\n</pre>", "Version 4", `name="base_revision" value="4"`, "Mit beiden Fassungen speichern"} {
		if !strings.Contains(conflict, want) {
			t.Errorf("the conflict page lacks %q", want)
		}
	}
	if strings.Contains(conflict, "Zusammengeführten Text speichern") {
		t.Error("the conflict page still offers the button that drops the colleague's text")
	}
	text := regexpTextarea(t, conflict)
	resp, _ = br.post("", edit, url.Values{"title": {"fristen"}, "body": {text}, "base_revision": {"4"},
		"base_meta": {regexpValue(t, conflict, "base_meta")}, "review_interval": {"365"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the conflict page's form: %d", resp.StatusCode)
	}
	_, saved := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/pages/fristen", a.Token, "")
	body, _ := saved["body"].(string)
	if !strings.Contains(body, "Zweiter neu von A.") || !strings.Contains(body, "Zweiter neu von B.") {
		t.Fatalf("the default action lost a version: %q", body)
	}
}

// A new page is not reviewed until someone confirms it; the review date
// is chosen as a date, and confirming sets the next one from the interval.
func TestNewPageIsNotReviewed(t *testing.T) {
	owner := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	base := startServer(t)
	br := newBrowser(t, base)
	br.signIn(owner.Email, owner.Password)
	br.get("/bereiche/" + sp.Slug + "/neu")
	resp, _ := br.post("", "/bereiche/"+sp.Slug+"/seiten", url.Values{
		"title": {"Neue Seite"}, "body": {"Text."}, "review_interval": {"180"}, "review_due": {"2031-03-15"},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	_, page := br.get(resp.Header.Get("Location"))
	if !strings.Contains(page, "Nicht geprüft") || strings.Contains(page, "gültig bis") || !strings.Contains(page, "15.03.2031") {
		t.Fatal("a new page does not show that it is not reviewed, with its review date")
	}
	_, out := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/pages/neue-seite", owner.Token, "")
	if out["reviewed_at"] != nil || out["review_due"] != "2031-03-15" {
		t.Fatalf("API: reviewed_at %v, review_due %v", out["reviewed_at"], out["review_due"])
	}
	if resp, _ := br.post("", "/bereiche/"+sp.Slug+"/seiten/neue-seite/geprueft", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", resp.StatusCode)
	}
	_, out = api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/pages/neue-seite", owner.Token, "")
	next := time.Now().AddDate(0, 0, 180).Format(time.DateOnly)
	if out["reviewed_at"] == nil || out["review_due"] != next {
		t.Fatalf("after confirming: reviewed_at %v, review_due %v, want %s", out["reviewed_at"], out["review_due"], next)
	}
	if _, page := br.get("/bereiche/" + sp.Slug + "/seiten/neue-seite"); !strings.Contains(page, "gültig bis") || strings.Contains(page, "Nicht geprüft") {
		t.Fatal("a confirmed page does not show that it is reviewed")
	}
	// A date that is none is refused with the form kept.
	if resp, page := br.post("", "/bereiche/"+sp.Slug+"/seiten", url.Values{"title": {"Zweite"}, "body": {"Mein Text"},
		"review_interval": {"365"}, "review_due": {"morgen"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Mein Text</textarea>") {
		t.Fatalf("bad date: %d", resp.StatusCode)
	}
}

// "Ins Wiki übernehmen" opens the editor prefilled with the question's
// title, the question and accepted answer without @mentions, and its
// topics; saving makes one page, owned by the person, linked both ways.
func TestPromoteOpensPrefilledEditor(t *testing.T) {
	agency := makeAgency(t)
	asker, answerer, km := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	testDB.Pool.Exec(context.Background(), `UPDATE accounts SET is_knowledge_manager = true WHERE id = $1`, km.ID)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	q := ask(t, base, asker.Token, sp.Slug, "Wie lange gilt ein Dienstausweis?", "@"+answerer.Handle+" weißt du das? Schreib an info@example.org.")
	_, a := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/answers", answerer.Token, `{"body":"Fünf Jahre, sagt @`+asker.Handle+`."}`)
	api(t, http.MethodPost, base+"/api/v1/answers/"+id(a)+"/accept", asker.Token, "")
	topic := unique("Ausweiswesen")
	testDB.Pool.Exec(context.Background(), `WITH t AS (INSERT INTO topics (slug, name) VALUES (lower($2), $2) RETURNING id)
		INSERT INTO question_topics (question_id, topic_id) SELECT $1, id FROM t`, id(q), topic)

	br := newBrowser(t, base)
	br.signIn(km.Email, km.Password)
	br.get("/fragen/" + id(q) + "/ins-wiki")
	resp, _ := br.post("", "/fragen/"+id(q)+"/ins-wiki", url.Values{"space": {strconv.FormatInt(sp.ID, 10)}})
	editor := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || editor != "/bereiche/"+sp.Slug+"/neu?frage="+id(q) {
		t.Fatalf("promote: %d → %q", resp.StatusCode, editor)
	}
	_, page := br.get(editor)
	body := regexpTextarea(t, page)
	for _, want := range []string{answerer.DisplayName + " weißt du das?", "info@example.org", "Fünf Jahre, sagt " + asker.DisplayName + "."} {
		if !strings.Contains(body, want) {
			t.Errorf("the prefilled text lacks %q: %q", want, body)
		}
	}
	if strings.Contains(body, "@"+answerer.Handle) || strings.Contains(body, "@"+asker.Handle) {
		t.Errorf("the prefilled text keeps a mention: %q", body)
	}
	if regexpValue(t, page, "title") != "Wie lange gilt ein Dienstausweis?" || !strings.Contains(regexpValue(t, page, "topics"), topic) {
		t.Errorf("title or topics not prefilled")
	}
	var pages int
	testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM pages WHERE space_id = $1`, sp.ID).Scan(&pages)
	if pages != 0 {
		t.Fatal("opening the editor made a page")
	}
	form := url.Values{"title": {"Dienstausweis"}, "body": {body}, "review_interval": {"365"}, "question": {id(q)}, "topics": {regexpValue(t, page, "topics")}}
	resp, _ = br.post("", "/bereiche/"+sp.Slug+"/seiten", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if resp, page := br.post("", "/bereiche/"+sp.Slug+"/seiten", form); resp.StatusCode == http.StatusSeeOther || !strings.Contains(page, "bereits ins Wiki") {
		t.Fatalf("second save: %d", resp.StatusCode)
	}
	var owner, pageID, linked int64
	testDB.Pool.QueryRow(context.Background(), `SELECT id, owner_id FROM pages WHERE space_id = $1`, sp.ID).Scan(&pageID, &owner)
	testDB.Pool.QueryRow(context.Background(), `SELECT coalesce(wiki_page_id, 0) FROM questions WHERE id = $1`, id(q)).Scan(&linked)
	if owner != km.ID || linked != pageID {
		t.Fatalf("owner %d (want %d), question links page %d (want %d)", owner, km.ID, linked, pageID)
	}
	if _, view := br.get(resp.Header.Get("Location")); !strings.Contains(view, "/fragen/"+id(q)) {
		t.Error("the page does not link back to the question")
	}
}

// regexpValue is the value of the form field name on page.
func regexpValue(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + name + `"[^>]*value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		m = regexp.MustCompile(`value="([^"]*)"[^>]*name="` + name + `"`).FindStringSubmatch(page)
	}
	if m == nil {
		t.Fatalf("no field %q on the page", name)
	}
	return html.UnescapeString(m[1])
}

// regexpTextarea is the text of the page's body field.
func regexpTextarea(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<textarea[^>]*name="body"[^>]*>(.*?)</textarea>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no body field on the page")
	}
	return html.UnescapeString(m[1])
}

// Comparing revisions too long to compare word by word answers with a
// line diff and says so, instead of failing or loading the CPU.
func TestCompareLargeRevisionsByLine(t *testing.T) {
	owner := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	base := startServer(t)
	var a, b strings.Builder
	for i := 0; i < 40000; i++ {
		word := "w" + strconv.Itoa(i)
		a.WriteString(word + " ")
		if i%1000 == 0 {
			word = "neu" + strconv.Itoa(i)
		}
		b.WriteString(word + " ")
		if i%10 == 9 {
			a.WriteString("\n")
			b.WriteString("\n")
		}
	}
	if status, out := putPage(t, base, owner.Token, sp.Slug, "gross", a.String(), 0); status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, out["error"])
	}
	if status, out := putPage(t, base, owner.Token, sp.Slug, "gross", b.String(), 1); status != http.StatusOK {
		t.Fatalf("update: %d %v", status, out["error"])
	}
	br := newBrowser(t, base)
	br.signIn(owner.Email, owner.Password)
	resp, page := br.get("/bereiche/" + sp.Slug + "/seiten/gross/vergleich?von=1&bis=2")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "zeilenweise") || !strings.Contains(page, "neu39000") {
		t.Fatalf("compare: %d, says line by line: %v", resp.StatusCode, strings.Contains(page, "zeilenweise"))
	}
}

// An answer edited in two windows at once: edits of different paragraphs
// are merged; edits of the same one keep both versions in the form.
func TestAnswerEditsMerge(t *testing.T) {
	agency := makeAgency(t)
	asker, answerer := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	q := ask(t, base, asker.Token, sp.Slug, "Wer zeichnet Dienstreiseanträge?", "")
	_, a := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/answers", answerer.Token, fmt.Sprintf(`{"body":%q}`, threeParagraphs))
	path := "/fragen/" + id(q) + "/antworten/" + id(a) + "/bearbeiten"
	one, two := newBrowser(t, base), newBrowser(t, base)
	for _, b := range []*browser{one, two} {
		b.signIn(answerer.Email, answerer.Password)
		b.get(path)
	}
	edit := func(b *browser, body, revision string) (*http.Response, string) {
		return b.post("", path, url.Values{"body": {body}, "base_revision": {revision}})
	}
	if resp, _ := edit(one, strings.Replace(threeParagraphs, "Erster", "Erster geänderter", 1), "1"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first edit: %d", resp.StatusCode)
	}
	if resp, _ := edit(two, strings.Replace(threeParagraphs, "Dritter", "Dritter geänderter", 1), "1"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second edit of another paragraph: %d", resp.StatusCode)
	}
	resp, page := edit(two, strings.Replace(threeParagraphs, "Erster", "Erster anders", 1), "1")
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("overlapping edit: %d", resp.StatusCode)
	}
	text := regexpTextarea(t, page)
	for _, want := range []string{"Erster anders", "Erster geänderter", "Dritter geänderter"} {
		if !strings.Contains(text, want) {
			t.Errorf("the conflict form lacks %q: %q", want, text)
		}
	}
}
