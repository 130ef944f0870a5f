package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

func putPage(t *testing.T, base, token, space, slug, body string, baseRevision int) (int, map[string]any) {
	t.Helper()
	payload := fmt.Sprintf(`{"title":%q,"body":%q`, strings.ReplaceAll(slug, "-", " "), body)
	if baseRevision > 0 {
		payload += fmt.Sprintf(`,"base_revision":%d`, baseRevision)
	}
	return api(t, http.MethodPut, base+"/api/v1/spaces/"+space+"/pages/"+slug, token, payload+"}")
}

func upload(t *testing.T, base, token, space, page, name string, content []byte) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/spaces/"+space+"/pages/"+page+"/attachments", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// pngPixel is a valid 1×1 PNG.
var pngPixel = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

// Two saves based on the same revision that change the same line: the
// second gets 409 with the page as it is now, and the first save stays
// intact.
func TestConcurrentSavesConflict(t *testing.T) {
	agency := makeAgency(t)
	a, b := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, a, policies.Private, policies.RoleMember)
	addMember(t, sp, b, policies.RoleMember)
	base := startServer(t)
	if status, _ := putPage(t, base, a.Token, sp.Slug, "dienstreise", "Erste Fassung.", 0); status != http.StatusCreated {
		t.Fatalf("create: %d", status)
	}
	if status, out := putPage(t, base, a.Token, sp.Slug, "dienstreise", "Fassung von A.", 1); status != http.StatusOK || out["revision"] != float64(2) {
		t.Fatalf("first save: %d %v", status, out)
	}
	status, out := putPage(t, base, b.Token, sp.Slug, "dienstreise", "Fassung von B.", 1)
	if status != http.StatusConflict {
		t.Fatalf("second save on the same base: %d, want 409", status)
	}
	current, _ := out["current"].(map[string]any)
	if current["body"] != "Fassung von A." || current["revision"] != float64(2) {
		t.Fatalf("conflict answer does not carry the current page: %v", out)
	}
	if _, page := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/pages/dienstreise", a.Token, ""); page["body"] != "Fassung von A." {
		t.Fatalf("first save not intact: %v", page["body"])
	}

	// The web editor: the conflict page shows both versions and keeps B's text.
	br := newBrowser(t, base)
	br.signIn(b.Email, b.Password)
	br.get("/bereiche/" + sp.Slug + "/seiten/dienstreise/bearbeiten")
	resp, body := br.post("", "/bereiche/"+sp.Slug+"/seiten/dienstreise/bearbeiten", url.Values{
		"title": {"dienstreise"}, "body": {"Meine Fassung im Browser."}, "base_revision": {"1"}, "review_interval": {"365"},
	})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("web conflict: %d %s", resp.StatusCode, body)
	}
	for _, want := range []string{"Meine Fassung im Browser.\n\nFassung von A.\n</textarea>", "Fassung von A.\n</pre>", `name="base_revision" value="2"`} {
		if !strings.Contains(body, want) {
			t.Errorf("conflict page lacks %q", want)
		}
	}
	if _, page := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/pages/dienstreise", a.Token, ""); page["body"] != "Fassung von A." {
		t.Fatalf("web conflict overwrote: %v", page["body"])
	}
}

// A page in a private space answers 404 to a non-member on every path.
func TestPrivatePageIsNotFoundForNonMembers(t *testing.T) {
	agency := makeAgency(t)
	member, outsider := makePerson(t, agency, false), makePerson(t, agency, false)
	private := makeSpace(t, member, policies.Private, policies.RoleMember)
	open := makeSpace(t, member, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	if status, _ := putPage(t, base, member.Token, private.Slug, "geheim", "Vertraulich. [[Oeffentlich]]", 0); status != http.StatusCreated {
		t.Fatalf("create private: %d", status)
	}
	putPage(t, base, member.Token, private.Slug, "geheim", "Vertraulich, zweite Fassung. [["+open.Slug+":oeffentlich]]", 1)
	if status, _ := putPage(t, base, member.Token, open.Slug, "oeffentlich", "Für alle.", 0); status != http.StatusCreated {
		t.Fatalf("create open: %d", status)
	}
	status, att := upload(t, base, member.Token, private.Slug, "geheim", "bild.png", pngPixel)
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %v", status, att)
	}
	attURL := att["url"].(string)
	apiAtt := att["api_url"].(string)

	// The member sees everything, including the backlink from the private page.
	memberBrowser, outsiderBrowser := newBrowser(t, base), newBrowser(t, base)
	memberBrowser.signIn(member.Email, member.Password)
	outsiderBrowser.signIn(outsider.Email, outsider.Password)
	page := "/bereiche/" + private.Slug + "/seiten/geheim"
	paths := []string{page, page + "/versionen", page + "/versionen/1", page + "/vergleich?von=1&bis=2", page + "/export.md", page + "/bearbeiten", attURL}
	for _, p := range paths {
		if resp, _ := memberBrowser.get(p); resp.StatusCode != http.StatusOK {
			t.Errorf("member GET %s: %d", p, resp.StatusCode)
		}
		if resp, body := outsiderBrowser.get(p); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Vertraulich") {
			t.Errorf("outsider GET %s: %d", p, resp.StatusCode)
		}
	}
	for _, p := range []string{"/api/v1/spaces/" + private.Slug + "/pages/geheim", "/api/v1/spaces/" + private.Slug + "/pages/geheim/revisions",
		"/api/v1/spaces/" + private.Slug + "/pages/geheim/revisions/1", "/api/v1/spaces/" + private.Slug + "/pages", apiAtt} {
		if status, _ := api(t, http.MethodGet, base+p, outsider.Token, ""); status != http.StatusNotFound {
			t.Errorf("outsider API %s: %d", p, status)
		}
		if status, _ := api(t, http.MethodGet, base+p, member.Token, ""); status != http.StatusOK {
			t.Errorf("member API %s: %d", p, status)
		}
	}
	if status, _ := putPage(t, base, outsider.Token, private.Slug, "geheim", "Übernommen.", 2); status != http.StatusNotFound {
		t.Errorf("outsider PUT: %d", status)
	}
	// Backlinks on the readable page: the member sees the private page, the outsider does not.
	openPage := "/bereiche/" + open.Slug + "/seiten/oeffentlich"
	if _, body := memberBrowser.get(openPage); !strings.Contains(body, `/bereiche/`+private.Slug+`/seiten/geheim"`) {
		t.Error("member does not see the backlink from the private page")
	}
	resp, body := outsiderBrowser.get(openPage)
	if resp.StatusCode != http.StatusOK || strings.Contains(body, "geheim") {
		t.Errorf("outsider sees the private backlink (status %d)", resp.StatusCode)
	}
	if _, out := api(t, http.MethodGet, base+"/api/v1/spaces/"+open.Slug+"/pages/oeffentlich/backlinks", outsider.Token, ""); fmt.Sprint(out["backlinks"]) != "[]" {
		t.Errorf("outsider API backlinks: %v", out)
	}
}

func TestAttachmentsAreServedSafely(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, p, policies.Private, policies.RoleMember)
	base := startServer(t)
	putPage(t, base, p.Token, sp.Slug, "anhang", "Seite mit Anhängen.", 0)
	cases := []struct {
		name        string
		content     []byte
		status      int
		disposition string
	}{
		{"bild.png", pngPixel, http.StatusCreated, "inline"},
		{"bericht.pdf", []byte("%PDF-1.4\n%…"), http.StatusCreated, "attachment"},
		{"notiz.txt", []byte("<script>alert(1)</script>"), http.StatusCreated, "attachment"},
		{"falsch.png", []byte("<html><script>alert(1)</script></html>"), http.StatusUnprocessableEntity, ""},
		{"angriff.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), http.StatusUnprocessableEntity, ""},
		{"programm.exe", []byte("MZ"), http.StatusUnprocessableEntity, ""},
	}
	for _, tc := range cases {
		status, out := upload(t, base, p.Token, sp.Slug, "anhang", tc.name, tc.content)
		if status != tc.status {
			t.Errorf("%s: upload %d, want %d (%v)", tc.name, status, tc.status, out)
			continue
		}
		if tc.status != http.StatusCreated {
			continue
		}
		req, _ := http.NewRequest(http.MethodGet, base+out["url"].(string), nil)
		req.Header.Set("Authorization", "Bearer "+p.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(got, tc.content) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), tc.disposition) ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("%s: download %d, disposition %q, headers %v", tc.name, resp.StatusCode, resp.Header.Get("Content-Disposition"), resp.Header)
		}
	}
}

func TestMovePageKeepsOldAddressWorking(t *testing.T) {
	agency := makeAgency(t)
	p := makePerson(t, agency, false)
	from, to := makeSpace(t, p, policies.Private, policies.RoleMember), makeSpace(t, p, policies.Private, policies.RoleMember)
	base := startServer(t)
	putPage(t, base, p.Token, from.Slug, "oben", "Oben.", 0)
	if status, _ := api(t, http.MethodPut, base+"/api/v1/spaces/"+from.Slug+"/pages/unten", p.Token, `{"title":"Unten","body":"Unten.","parent":"oben"}`); status != http.StatusCreated {
		t.Fatalf("child: %d", status)
	}
	putPage(t, base, p.Token, to.Slug, "oben", "Schon da.", 0) // the slug is taken in the target space
	b := newBrowser(t, base)
	b.signIn(p.Email, p.Password)

	// A page cannot go below its own child.
	_, child := api(t, http.MethodGet, base+"/api/v1/spaces/"+from.Slug+"/pages/unten", p.Token, "")
	b.get("/bereiche/" + from.Slug + "/seiten/oben/verschieben")
	resp, body := b.post("", "/bereiche/"+from.Slug+"/seiten/oben/verschieben", url.Values{"space": {from.Slug}, "parent": {fmt.Sprint(child["id"])}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "nicht unter sich selbst") {
		t.Fatalf("cycle: %d", resp.StatusCode)
	}

	resp, _ = b.post("", "/bereiche/"+from.Slug+"/seiten/oben/verschieben", url.Values{"space": {to.Slug}, "parent": {""}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/bereiche/"+to.Slug+"/seiten/oben-2" {
		t.Fatalf("move: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	for old, now := range map[string]string{
		"/bereiche/" + from.Slug + "/seiten/oben":            "/bereiche/" + to.Slug + "/seiten/oben-2",
		"/bereiche/" + from.Slug + "/seiten/unten/versionen": "/bereiche/" + to.Slug + "/seiten/unten/versionen",
	} {
		if resp, _ := b.get(old); resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != now {
			t.Errorf("GET %s: %d → %s, want %s", old, resp.StatusCode, resp.Header.Get("Location"), now)
		}
	}
	if _, moved := api(t, http.MethodGet, base+"/api/v1/spaces/"+to.Slug+"/pages/unten", p.Token, ""); moved["parent_id"] == nil {
		t.Error("the child lost its parent in the move")
	}
}

func TestReviewQueue(t *testing.T) {
	agency := makeAgency(t)
	owner, reader := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Organisation, policies.RoleViewer)
	base := startServer(t)
	putPage(t, base, owner.Token, sp.Slug, "alt", "Veralteter Inhalt.", 0)
	testDB.Pool.Exec(t.Context(), `UPDATE pages SET reviewed_at = now() - interval '2 years', review_due = current_date - 30 WHERE slug = 'alt' AND space_id = $1`, sp.ID)

	r := newBrowser(t, base)
	r.signIn(reader.Email, reader.Password)
	if _, body := r.get("/bereiche/" + sp.Slug + "/seiten/alt"); !strings.Contains(body, "möglicherweise veraltet") || strings.Contains(body, "Ist noch aktuell") {
		t.Error("a reader must see the notice but not the confirm button")
	}
	if resp, _ := r.post("", "/bereiche/"+sp.Slug+"/seiten/alt/geprueft", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reader confirmed a review: %d", resp.StatusCode)
	}

	o := newBrowser(t, base)
	o.signIn(owner.Email, owner.Password)
	if _, body := o.get("/pruefung"); !strings.Contains(body, ">alt</a>") {
		t.Fatal("the owner's review queue lacks the overdue page")
	}
	if resp, _ := o.post("", "/bereiche/"+sp.Slug+"/seiten/alt/geprueft", url.Values{"from": {"queue"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", resp.StatusCode)
	}
	if _, body := o.get("/pruefung"); strings.Contains(body, ">alt</a>") {
		t.Fatal("the confirmed page is still in the queue")
	}
	if _, body := r.get("/bereiche/" + sp.Slug + "/seiten/alt"); strings.Contains(body, "möglicherweise veraltet") {
		t.Fatal("the notice stayed after the review")
	}
}

// A PUT that leaves fields out changes only what it sends: the topics,
// the owner (even one disabled since), the template flag and the text stay.
func TestAPIPutKeepsWhatItDoesNotSend(t *testing.T) {
	agency := makeAgency(t)
	author, owner := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, author, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	addr := base + "/api/v1/spaces/" + sp.Slug + "/pages/haushaltsplan"
	status, _ := api(t, http.MethodPut, addr, author.Token, fmt.Sprintf(
		`{"title":"Haushaltsplan","body":"Der Plan.","topics":["Haushalt"],"owner":%q,"is_template":true}`, owner.Handle))
	if status != http.StatusCreated {
		t.Fatalf("create: %d", status)
	}
	check := func(step string, out map[string]any, body string) {
		t.Helper()
		topics, _ := out["topics"].([]any)
		if len(topics) != 1 || topics[0].(map[string]any)["name"] != "Haushalt" || out["owner"] != owner.DisplayName ||
			out["is_template"] != true || out["body"] != body {
			t.Fatalf("%s: %v", step, out)
		}
	}
	status, out := api(t, http.MethodPut, addr, author.Token, `{"body":"Der neue Plan.","base_revision":1}`)
	if status != http.StatusOK {
		t.Fatalf("body only: %d %v", status, out)
	}
	check("body only", out, "Der neue Plan.")
	testDB.Pool.Exec(context.Background(), `UPDATE accounts SET disabled_at = now() WHERE id = $1`, owner.ID)
	status, out = api(t, http.MethodPut, addr, author.Token, `{"title":"Haushaltsplan 2027","base_revision":2}`)
	if status != http.StatusOK {
		t.Fatalf("title only, owner disabled: %d %v", status, out)
	}
	check("title only", out, "Der neue Plan.")
}
