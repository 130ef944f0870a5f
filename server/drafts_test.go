package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/drafts"
	"github.com/fachnetz/fachnetz/server/web"
)

// postForm sends a form like b.post, with extra headers.
func (b *browser) postForm(path string, values url.Values, header map[string]string) (*http.Response, string) {
	b.t.Helper()
	values.Set("csrf_token", b.csrf)
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return b.do(req)
}

func draftCount(t *testing.T, accountID int64) int {
	t.Helper()
	var n int
	if err := testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM drafts WHERE account_id = $1`, accountID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDraftsAreOfferedToTheirAuthorOnly(t *testing.T) {
	agency := makeAgency(t)
	author, admin := makePerson(t, agency, false), makePerson(t, agency, true)
	sp := makeSpace(t, author, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	a := newBrowser(t, base)
	a.signIn(author.Email, author.Password)
	editor := "/bereiche/" + sp.Slug + "/neu"
	_, page := a.get(editor)
	key := regexp.MustCompile(`name="draft_key" value="([^"]+)"`).FindStringSubmatch(page)
	if key == nil {
		t.Fatal("the editor has no draft key")
	}
	resp, _ := a.postForm("/entwuerfe", url.Values{"draft_key": {key[1]}, "draft_path": {editor}, "title": {"Reisekosten"},
		"body": {"Noch nicht fertig: Abrechnung binnen sechs Monaten."}}, map[string]string{"Accept": "application/json"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("saving the draft: %d", resp.StatusCode)
	}
	if _, page = a.get(editor); !strings.Contains(page, "Entwurf vom") || strings.Contains(page, "binnen sechs Monaten") {
		t.Fatalf("the editor should offer the draft without filling it in:\n%s", page)
	}
	if _, page = a.get(editor + "?entwurf=wiederherstellen"); !strings.Contains(page, "binnen sechs Monaten") || !strings.Contains(page, `value="Reisekosten"`) {
		t.Fatal("restoring does not fill the form with the draft")
	}

	if _, export := a.get("/profil/export.json"); !strings.Contains(export, "binnen sechs Monaten") {
		t.Error("the personal data export lacks the draft")
	}

	// Another person, an admin too, sees nothing of it.
	o := newBrowser(t, base)
	o.signIn(admin.Email, admin.Password)
	if _, page := o.get(editor + "?entwurf=wiederherstellen"); strings.Contains(page, "binnen sechs Monaten") || strings.Contains(page, "Entwurf vom") {
		t.Fatal("another person is offered the author's draft")
	}

	a.get(editor)
	if resp, _ := a.postForm("/entwuerfe/verwerfen", url.Values{"draft_key": {key[1]}, "draft_path": {editor}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("discarding: %d", resp.StatusCode)
	}
	if _, page = a.get(editor); strings.Contains(page, "Entwurf vom") || draftCount(t, author.ID) != 0 {
		t.Fatal("a discarded draft is still offered")
	}
}

func TestDraftIsRemovedWhenThePageIsSaved(t *testing.T) {
	agency := makeAgency(t)
	author := makePerson(t, agency, false)
	sp := makeSpace(t, author, policies.Organisation, policies.RoleMember)
	b := newBrowser(t, startServer(t))
	b.signIn(author.Email, author.Password)
	b.get("/bereiche/" + sp.Slug + "/neu")
	resp, _ := b.post("/bereiche/"+sp.Slug+"/neu", "/bereiche/"+sp.Slug+"/seiten", url.Values{"title": {"Dienstreisen"}, "body": {"Erste Fassung"},
		"review_interval": {"365"}, "action": {"save"}})
	pageURL := resp.Header.Get("Location")
	_, page := b.get(pageURL + "/bearbeiten")
	key := regexp.MustCompile(`name="draft_key" value="([^"]+)"`).FindStringSubmatch(page)[1]
	base := regexp.MustCompile(`name="base_revision" value="(\d+)"`).FindStringSubmatch(page)[1]
	b.postForm("/entwuerfe", url.Values{"draft_key": {key}, "draft_path": {pageURL + "/bearbeiten"}, "body": {"Zweite Fassung"},
		"base_revision": {base}}, map[string]string{"Accept": "application/json"})
	if draftCount(t, author.ID) != 1 {
		t.Fatal("the draft was not kept")
	}
	if resp, _ := b.post(pageURL+"/bearbeiten", pageURL+"/bearbeiten", url.Values{"title": {"Dienstreisen"}, "body": {"Zweite Fassung"},
		"review_interval": {"365"}, "base_revision": {base}, "draft_key": {key}, "action": {"save"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if draftCount(t, author.ID) != 0 {
		t.Fatal("the draft outlived the save")
	}
}

func TestDraftsArePurgedAfterThirtyDays(t *testing.T) {
	agency := makeAgency(t)
	p := makePerson(t, agency, false)
	ctx := context.Background()
	store := drafts.NewStore(testDB.Pool)
	now := time.Now()
	if _, err := store.Save(ctx, p.ID, "wiki-new:1", "/bereiche/x/neu", map[string]string{"body": "alt"}, now.Add(-31*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Save(ctx, p.ID, "wiki-new:2", "/bereiche/y/neu", map[string]string{"body": "neu"}, now.Add(-29*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	d := drafts.New(store, &web.Web{Log: slog.Default()}, drafts.Deps{})
	if _, err := d.Purge(ctx, now); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(ctx, p.ID, "wiki-new:1"); err == nil {
		t.Error("a draft of 31 days ago survived the purge")
	}
	if _, err := store.Get(ctx, p.ID, "wiki-new:2"); err != nil {
		t.Errorf("a draft of 29 days ago was purged: %v", err)
	}
}

// A save that finds the session gone keeps the text for whoever holds the
// cookie it sets. Nothing tells whose text it is, so after sign-in the
// editor offers it rather than filling the form with it.
func TestSaveAfterExpiredSessionKeepsTheText(t *testing.T) {
	agency := makeAgency(t)
	author, other := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, author, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	b := newBrowser(t, base)
	b.signIn(author.Email, author.Password)
	b.get("/bereiche/" + sp.Slug + "/neu")
	resp, _ := b.post("/bereiche/"+sp.Slug+"/neu", "/bereiche/"+sp.Slug+"/seiten", url.Values{"title": {"Urlaub"}, "body": {"Alt"},
		"review_interval": {"365"}, "action": {"save"}})
	pageURL := resp.Header.Get("Location")
	_, page := b.get(pageURL + "/bearbeiten")
	key := regexp.MustCompile(`name="draft_key" value="([^"]+)"`).FindStringSubmatch(page)[1]
	if _, err := testDB.Pool.Exec(context.Background(), `DELETE FROM sessions WHERE account_id = $1`, author.ID); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"title": {"Urlaub"}, "body": {"Resturlaub verfällt am 31. März."}, "review_interval": {"365"}, "base_revision": {"1"},
		"draft_key": {key}, "draft_path": {pageURL + "/bearbeiten"}, "action": {"save"}}

	// Without a sign that the form came from this site the CSRF check
	// still refuses, and nothing is parked.
	if resp, _ := b.postForm(pageURL+"/bearbeiten", url.Values(cloneValues(form)), nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a save from elsewhere: %d, want 403", resp.StatusCode)
	}
	resp, _ = b.postForm(pageURL+"/bearbeiten", cloneValues(form), map[string]string{"Sec-Fetch-Site": "same-origin"})
	next, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || next.Path != "/anmelden" || next.Query().Get("next") != pageURL+"/bearbeiten?entwurf=pruefen" {
		t.Fatalf("expired save: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Someone else signing in elsewhere gets nothing of it.
	o := newBrowser(t, base)
	o.signIn(other.Email, other.Password)
	if _, page := o.get(pageURL + "/bearbeiten?entwurf=pruefen"); strings.Contains(page, "Resturlaub") || strings.Contains(page, "Entwurf vom") {
		t.Fatal("another person got the parked text")
	}

	b.get(next.String())
	if resp, _ := b.post("/anmelden", "/anmelden", url.Values{"email": {author.Email}, "password": {author.Password},
		"next": {next.Query().Get("next")}}); resp.Header.Get("Location") != pageURL+"/bearbeiten?entwurf=pruefen" {
		t.Fatalf("sign-in leads to %s", resp.Header.Get("Location"))
	}
	_, page = b.get(pageURL + "/bearbeiten?entwurf=pruefen")
	if strings.Contains(page, "Resturlaub") || !strings.Contains(page, "Entwurf vom") || !strings.Contains(page, "niemandem sicher zuzuordnen") {
		t.Fatalf("after sign-in the editor should offer the text, not show it:\n%s", page)
	}
	if _, page = b.get(pageURL + "/bearbeiten?entwurf=wiederherstellen"); !strings.Contains(page, "Resturlaub verfällt am 31. März.") {
		t.Fatal("restoring the offered text does not fill the form")
	}
	if draftCount(t, other.ID) != 0 || draftCount(t, author.ID) != 1 {
		t.Fatal("the parked draft went to the wrong account")
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A file added while a new page is written is held with the draft, shown
// in the preview by its name, and becomes an attachment on create.
func TestUploadWhileWritingANewPageBecomesAnAttachment(t *testing.T) {
	agency := makeAgency(t)
	author, other := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, author, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	b := newBrowser(t, base)
	b.signIn(author.Email, author.Password)
	editor := "/bereiche/" + sp.Slug + "/neu"
	b.get(editor)

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", b.csrf)
	part, _ := mw.CreateFormFile("file", "ablauf.png")
	part.Write(pngBytes(t))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+editor+"/anhaenge", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, answer := b.do(req)
	var up struct{ Name, URL, Markdown string }
	json.Unmarshal([]byte(answer), &up)
	if resp.StatusCode != http.StatusCreated || up.Markdown != "![ablauf](ablauf.png)" {
		t.Fatalf("upload in the editor: %d %s", resp.StatusCode, answer)
	}
	if resp, _ := b.get(up.URL); resp.StatusCode != http.StatusOK {
		t.Fatalf("the author cannot see the held file: %d", resp.StatusCode)
	}
	o := newBrowser(t, base)
	o.signIn(other.Email, other.Password)
	if resp, _ := o.get(up.URL); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another person gets the held file: %d", resp.StatusCode)
	}

	text := "Der Ablauf:\n\n" + up.Markdown + "\n\n[Antrag](antrag.pdf)"
	_, page := b.post(editor, "/bereiche/"+sp.Slug+"/seiten", url.Values{"title": {"Ablauf"}, "body": {text}, "review_interval": {"365"}, "action": {"preview"}})
	if !strings.Contains(page, `src="`+up.URL+`"`) {
		t.Fatalf("the preview does not show the held image:\n%s", page)
	}
	resp, _ = b.post(editor, "/bereiche/"+sp.Slug+"/seiten", url.Values{"title": {"Ablauf"}, "body": {text}, "review_interval": {"365"}, "action": {"save"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	_, page = b.get(resp.Header.Get("Location"))
	img := regexp.MustCompile(`src="(/anhaenge/\d+/ablauf\.png)"`).FindStringSubmatch(page)
	if img == nil {
		t.Fatalf("the saved page does not show the attachment:\n%s", page)
	}
	if resp, _ := b.get(img[1]); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("the attachment: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(page, `href="antrag.pdf"`) {
		t.Error("a link to a file the page does not have should stay as written")
	}
	if draftCount(t, author.ID) != 0 {
		t.Error("the draft outlived the create")
	}

	// In the editor of an existing page a file becomes an attachment at once.
	pageURL := resp.Header.Get("Location")
	b.get(pageURL + "/bearbeiten")
	body.Reset()
	mw = multipart.NewWriter(&body)
	mw.WriteField("csrf_token", b.csrf)
	part, _ = mw.CreateFormFile("file", "Antrag Formular.pdf")
	part.Write([]byte("%PDF-1.4\n"))
	mw.Close()
	req, _ = http.NewRequest(http.MethodPost, base+pageURL+"/editor/anhaenge", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, answer = b.do(req)
	json.Unmarshal([]byte(answer), &up)
	if resp.StatusCode != http.StatusCreated || up.Markdown != "[Antrag Formular.pdf](<Antrag Formular.pdf>)" || !strings.HasPrefix(up.URL, "/anhaenge/") {
		t.Fatalf("upload in the editor of a page: %d %s", resp.StatusCode, answer)
	}
	_, page = b.post(pageURL+"/bearbeiten", pageURL+"/bearbeiten", url.Values{"title": {"Ablauf"}, "body": {up.Markdown},
		"review_interval": {"365"}, "base_revision": {"1"}, "action": {"preview"}})
	if !strings.Contains(page, `href="`+up.URL+`"`) {
		t.Fatalf("the preview does not link the attachment %s", up.URL)
	}
}

func TestAnswerDraftIsOfferedAndRemovedOnAnswer(t *testing.T) {
	agency := makeAgency(t)
	asker := makePerson(t, agency, false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	b := newBrowser(t, startServer(t))
	b.signIn(asker.Email, asker.Password)
	b.get("/fragen/neu")
	resp, _ := b.post("/fragen/neu", "/fragen", url.Values{"title": {"Wie rechne ich Reisekosten ab?"}, "body": {"Frage"},
		"space": {strconv.FormatInt(sp.ID, 10)}, "action": {"ask"}})
	question := resp.Header.Get("Location")
	_, page := b.get(question)
	key := regexp.MustCompile(`name="draft_key" value="(qa-answer:\d+)"`).FindStringSubmatch(page)
	if key == nil {
		t.Fatalf("the answer form has no draft key:\n%s", page)
	}
	b.postForm("/entwuerfe", url.Values{"draft_key": {key[1]}, "draft_path": {question}, "body": {"Mit dem Formular R-12."}},
		map[string]string{"Accept": "application/json"})
	if _, page = b.get(question); !strings.Contains(page, "Entwurf vom") {
		t.Fatal("the question page does not offer the answer draft")
	}
	if _, page = b.get(question + "?entwurf=wiederherstellen"); !strings.Contains(page, "Mit dem Formular R-12.") {
		t.Fatal("restoring does not fill the answer form")
	}
	b.post(question, question+"/antworten", url.Values{"body": {"Mit dem Formular R-12."}, "draft_key": {key[1]}})
	if draftCount(t, asker.ID) != 0 {
		t.Fatal("the answer draft outlived the answer")
	}
}
