package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Text PostgreSQL cannot store is refused with 400 and a message before a
// handler sees it: in the query, in a form, in a multipart form and in
// JSON, where \u0000 and invalid UTF-8 are found in the raw bytes.
func TestBadTextIsRefusedBeforeAnyHandler(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	base := startServer(t)
	b := newBrowser(t, base)
	b.signIn(p.Email, p.Password)
	b.get("/konto")
	const message = "Nullzeichen"

	for _, path := range []string{"/suche?q=a%00b", "/personen?q=%ff", "/anmelden?next=%00"} {
		if resp, body := b.get(path); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, message) {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
	for _, name := range []string{"a\x00b", "a\xffb"} {
		resp, body := b.post("/konto", "/konto/tokens", url.Values{"name": {name}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, message) {
			t.Errorf("form with %q: %d", name, resp.StatusCode)
		}
	}

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("csrf_token", b.csrf)
	mw.WriteField("caption", "a\x00b")
	part, _ := mw.CreateFormFile("photo", "foto.png")
	part.Write([]byte("kein Bild"))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/profil/foto", &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if resp, body := b.do(req); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, message) {
		t.Errorf("multipart form with a NUL: %d", resp.StatusCode)
	}

	for _, tc := range []struct{ body, contentType string }{
		{`{"name":"Team\u0000","slug":"team-nul"}`, "application/json"},
		{"{\"name\":\"Team\xff\",\"slug\":\"team-ff\"}", "application/json"},
		{`{"name":"Team\ud800","slug":"team-half"}`, "application/json"},
		{`{"name":"Team\u0000","slug":"team-plain"}`, "text/plain"},
		{`{"name":"Team\u0000","slug":"team-none"}`, ""},
	} {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/spaces", strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer "+p.Token)
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var raw bytes.Buffer
		raw.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(raw.String(), `"code":"invalid"`) || !strings.Contains(raw.String(), message) {
			t.Errorf("JSON %q as %q: %d %s", tc.body, tc.contentType, resp.StatusCode, raw.String())
		}
	}
	// Clean text passes, an escaped backslash before u0000 included.
	if status, out := api(t, http.MethodPost, base+"/api/v1/spaces", p.Token, `{"name":"Team \\u0000 Straße","slug":"team-sauber","visibility":"private"}`); status != http.StatusCreated {
		t.Errorf("clean JSON: %d %v", status, out)
	}
}
