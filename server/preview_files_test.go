package main

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// The live preview in the editor of an existing page shows that page's
// files by name, not a file of the same name held with an unfinished new
// page; the editor of a new page keeps showing the draft's files.
func TestEditorPreviewOfAPageShowsItsFiles(t *testing.T) {
	agency := makeAgency(t)
	author, outsider := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, author, policies.Private, policies.RoleMember)
	base := startServer(t)
	putPage(t, base, author.Token, sp.Slug, "ablauf", "Der Ablauf.\n", 0)
	if status, out := upload(t, base, author.Token, sp.Slug, "ablauf", "ablauf.png", pngBytes(t)); status != http.StatusCreated {
		t.Fatalf("attachment: %d %v", status, out)
	}
	b := newBrowser(t, base)
	b.signIn(author.Email, author.Password)

	// An unfinished new page holds a file of the same name.
	newPage := "/bereiche/" + sp.Slug + "/neu"
	b.get(newPage)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", b.csrf)
	part, _ := mw.CreateFormFile("file", "ablauf.png")
	part.Write(pngBytes(t))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+newPage+"/anhaenge", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, answer := b.do(req)
	var held struct{ URL string }
	json.Unmarshal([]byte(answer), &held)
	if resp.StatusCode != http.StatusCreated || held.URL == "" {
		t.Fatalf("upload in the new page's editor: %d %s", resp.StatusCode, answer)
	}
	text := url.Values{"body": {"![Ablauf](ablauf.png)"}}
	if _, out := b.post(newPage, "/bereiche/"+sp.Slug+"/vorschau", text); !strings.Contains(out, `src="`+held.URL+`"`) {
		t.Errorf("the new page's preview does not show the held file: %s", out)
	}

	edit := "/bereiche/" + sp.Slug + "/seiten/ablauf/bearbeiten"
	_, form := b.get(edit)
	preview := "/bereiche/" + sp.Slug + "/seiten/ablauf/vorschau"
	if !strings.Contains(form, `hx-post="`+preview+`"`) {
		t.Fatalf("the editor of a page does not preview through %s", preview)
	}
	resp, out := b.post(edit, preview, text)
	if resp.StatusCode != http.StatusOK || !regexp.MustCompile(`src="/anhaenge/\d+/ablauf\.png"`).MatchString(out) {
		t.Fatalf("the page's preview does not show its attachment: %d %s", resp.StatusCode, out)
	}
	if strings.Contains(out, held.URL) {
		t.Error("the page's preview shows the new page's held file")
	}

	o := newBrowser(t, base)
	o.signIn(outsider.Email, outsider.Password)
	o.get("/profil")
	if resp, out := o.post("/profil", preview, text); resp.StatusCode != http.StatusNotFound || strings.Contains(out, "editor-preview-body") {
		t.Errorf("outsider preview of the page: %d", resp.StatusCode)
	}
}
