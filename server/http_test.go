package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestHealthReadinessAndMetrics(t *testing.T) {
	base := startServer(t)
	if resp, body := get(t, base+"/healthz"); resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("/healthz: %d %q", resp.StatusCode, body)
	}
	resp, body := get(t, base+"/readyz")
	var ready map[string]string
	if err := json.Unmarshal([]byte(body), &ready); err != nil || resp.StatusCode != 200 {
		t.Fatalf("/readyz: %d %q", resp.StatusCode, body)
	}
	if ready["postgres"] != "ok" || ready["meilisearch"] != "ok" || ready["status"] != "ok" {
		t.Fatalf("/readyz = %v, want everything ok", ready)
	}
	get(t, base+"/")
	_, metrics := get(t, base+"/metrics")
	for _, want := range []string{`fachnetz_http_requests_total{method="GET",route="/",status="200"}`, "go_goroutines", "fachnetz_http_request_duration_seconds_bucket"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestReadinessReportsMeilisearchAway(t *testing.T) {
	cfg, err := loadConfig(newFlags("serve", env{}), nil, testEnv(t, map[string]string{"FACHNETZ_MEILI_URL": "http://127.0.0.1:1"}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := Open(ctx, cfg, newLogger(discard{}, cfg.LogLevel))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	go s.Serve(ctx)
	resp, body := get(t, "http://"+s.Addr()+"/readyz")
	if resp.StatusCode != 200 || !strings.Contains(body, `"meilisearch":"unavailable"`) || !strings.Contains(body, `"status":"degraded"`) {
		t.Fatalf("/readyz with Meilisearch away: %d %s", resp.StatusCode, body)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestSecurityHeaders(t *testing.T) {
	base := startServer(t)
	resp, _ := get(t, base+"/")
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "same-origin",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, directive := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, directive) {
			t.Errorf("CSP %q lacks %q", csp, directive)
		}
	}
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent on a plain-HTTP instance")
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
}

func TestErrorsAnswerInTheClientsFormat(t *testing.T) {
	base := startServer(t)
	resp, body := get(t, base+"/api/v1/nothing-here")
	var apiErr struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &apiErr); err != nil || resp.StatusCode != 404 || apiErr.Error.Code != "not_found" || apiErr.Error.Message == "" {
		t.Fatalf("API 404: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, base+"/gibt-es-nicht", "Accept-Language", "de")
	if resp.StatusCode != 404 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "Seite nicht gefunden") {
		t.Fatalf("HTML 404: %d %s", resp.StatusCode, body)
	}
	resp, _ = http.Post(base+"/datenschutz", "text/plain", nil)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST to a GET page: %d, want 405", resp.StatusCode)
	}
}

func TestLanguageNegotiation(t *testing.T) {
	base := startServer(t)
	lang := regexp.MustCompile(`<html lang="(\w+)">`)
	cases := []struct{ header, cookie, want string }{
		{"", "", "de"},
		{"en-GB,en;q=0.9", "", "en"},
		{"fr-FR,en;q=0.5", "", "en"},
		{"fr-FR", "", "de"},
		{"en-GB", "lang=de", "de"},
		{"de", "lang=en", "en"},
	}
	for _, tc := range cases {
		_, body := get(t, base+"/", "Accept-Language", tc.header, "Cookie", tc.cookie)
		if m := lang.FindStringSubmatch(body); m == nil || m[1] != tc.want {
			t.Errorf("Accept-Language %q, cookie %q: lang %v, want %s", tc.header, tc.cookie, m, tc.want)
		}
	}
	resp, _ := get(t, base+"/sprache?lang=en&next=/datenschutz")
	langCookie := ""
	for _, c := range resp.Cookies() {
		if c.Name == "lang" {
			langCookie = c.Value
		}
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/datenschutz" || langCookie != "en" {
		t.Fatalf("language switch: %d %v", resp.StatusCode, resp.Header)
	}
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		resp, _ := get(t, base+"/sprache?lang=de&next="+url.QueryEscape(next))
		if resp.Header.Get("Location") != "/" {
			t.Errorf("next=%s redirected to %q", next, resp.Header.Get("Location"))
		}
	}
}

func TestEveryPageRendersInBothLanguages(t *testing.T) {
	base := startServer(t)
	for _, path := range []string{"/", "/barrierefreiheit", "/barrierefreiheit/melden", "/datenschutz"} {
		for _, lang := range []string{"de", "en"} {
			resp, body := get(t, base+path, "Accept-Language", lang)
			if resp.StatusCode != 200 || !strings.Contains(body, `<html lang="`+lang+`">`) || !strings.Contains(body, "</html>") {
				t.Errorf("%s in %s: %d", path, lang, resp.StatusCode)
			}
			if strings.Count(body, "<h1") != 1 {
				t.Errorf("%s in %s: want exactly one h1", path, lang)
			}
		}
	}
}

func TestStaticAssetsAreHashedAndCached(t *testing.T) {
	base := startServer(t)
	_, page := get(t, base+"/")
	m := regexp.MustCompile(`href="(/static/[0-9a-f]{12}/css/app\.css)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no hashed stylesheet link on the home page")
	}
	resp, body := get(t, base+m[1], "Accept-Encoding", "identity")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.Contains(body, ".skip-link") {
		t.Fatalf("%s: %d %q", m[1], resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	stale := strings.Replace(m[1], m[1][8:20], "000000000000", 1)
	if resp, _ := get(t, base+stale); resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("stale hash: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if resp, _ := get(t, base+"/static/"+m[1][8:20]+"/../../go.mod"); resp.StatusCode != 404 {
		t.Fatalf("path escape answered %d", resp.StatusCode)
	}
}

func TestBarrierReportKeepsInputAndSaves(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t, base)
	resp, _ := b.submit("/barrierefreiheit/melden", "/barrierefreiheit/melden", url.Values{
		"page_url": {"/wiki/seite"}, "description": {""}, "contact": {"keine-adresse"},
	})
	wantBackTo(t, "empty description", resp, "/barrierefreiheit/melden")
	_, body := b.get("/barrierefreiheit/melden")
	for _, want := range []string{`value="/wiki/seite"`, `value="keine-adresse"`, "Bitte füllen Sie dieses Feld aus.", `aria-invalid="true"`, `href="#f-description"`} {
		if !strings.Contains(body, want) {
			t.Errorf("rejected form lacks %s", want)
		}
	}
	resp, _ = b.post("/barrierefreiheit/melden", "/barrierefreiheit/melden", url.Values{
		"page_url": {"/wiki/seite"}, "description": {"Der Kontrast der Tabelle ist zu gering."}, "contact": {"a.b@example.org"},
	})
	if resp.StatusCode != 200 {
		t.Fatalf("valid report: %d", resp.StatusCode)
	}
	var n int
	testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM barrier_reports WHERE description = 'Der Kontrast der Tabelle ist zu gering.' AND contact = 'a.b@example.org'`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d reports saved, want 1", n)
	}
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
