package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
)

// memReturns keeps pages in memory, as the PostgreSQL store does.
type memReturns struct {
	mu    sync.Mutex
	pages map[string]memPage
}

type memPage struct {
	owner, target string
	page          []byte
}

func (m *memReturns) Keep(_ context.Context, owner []byte, target string, page []byte) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id := "id" + string(rune('a'+len(m.pages)))
	m.pages[id] = memPage{string(owner), target, page}
	return id, nil
}

func (m *memReturns) Take(_ context.Context, id string, owner []byte, target string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.pages[id]
	if !ok || p.owner != string(owner) || p.target != target {
		return nil, false, nil
	}
	delete(m.pages, id)
	return p.page, true, nil
}

func (m *memReturns) Forget(_ context.Context, owner []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, p := range m.pages {
		if p.owner == string(owner) {
			delete(m.pages, id)
		}
	}
	return nil
}

type reportPage struct {
	Form *frontend.Form
	Sent bool
}

// formServer serves the barrier report form at /melden (GET) and rejects
// every POST to /senden with an empty description, as a handler does.
func formServer(t *testing.T) (*gin.Engine, *memReturns) {
	t.Helper()
	return formServerAt(t, "")
}

// formServerAt is formServer for a site whose public base URL has the host
// publicHost.
func formServerAt(t *testing.T, publicHost string) (*gin.Engine, *memReturns) {
	t.Helper()
	fe, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	mem := &memReturns{pages: map[string]memPage{}}
	w := &Web{Frontend: fe, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Returns: mem, PublicHost: publicHost}
	r := gin.New()
	r.Use(func(c *gin.Context) {
		csrf, _ := c.Cookie("csrf")
		SetCSRFToken(c, csrf)
		c.Set(keyLang, c.GetHeader("Accept-Language"))
	}, w.FormReturn())
	r.GET("/melden", func(c *gin.Context) {
		w.Render(c, http.StatusOK, "legal/report", "Barriere melden", reportPage{Form: frontend.NewForm()})
	})
	r.POST("/senden", func(c *gin.Context) {
		form := frontend.NewForm()
		form.Set("page_url", c.PostForm("page_url"))
		form.Set("description", "")
		form.Fail("description", w.T(c, "form.required"))
		w.Render(c, http.StatusUnprocessableEntity, "legal/report", "Barriere melden", reportPage{Form: form})
	})
	w.KnowPages(r.Routes())
	return r, mem
}

func send(r http.Handler, method, path, csrf, referer string, header map[string]string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader("page_url=%2Fseite%2Fmit-fehler")
	}
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "de")
	if referer != "" {
		req.Header.Set("Referer", referer)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if host := header["Host"]; host != "" {
		req.Host = host
	}
	req.AddCookie(&http.Cookie{Name: "csrf", Value: csrf})
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

// A rejected form is answered with 303 to the page that held it; that
// page then shows, once and only to the same browser, what was typed,
// the summary naming the field, and a title that starts with "Fehler:".
func TestRejectedFormRedirectsToItsPageOnce(t *testing.T) {
	r, _ := formServer(t)
	rec := send(r, http.MethodPost, "/senden", "geheim", "http://example.com/melden", nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/melden#error-summary" {
		t.Fatalf("rejected POST: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == formCookie {
			cookie = c
		}
	}
	if cookie == nil || cookie.Path != "/melden" || !cookie.HttpOnly {
		t.Fatalf("form cookie: %+v", cookie)
	}
	if got := send(r, http.MethodGet, "/melden", "fremd", "", nil, cookie); strings.Contains(got.Body.String(), "mit-fehler") {
		t.Fatal("another browser was shown the page")
	}
	got := send(r, http.MethodGet, "/melden", "geheim", "", nil, cookie)
	page := got.Body.String()
	if got.Code != http.StatusOK || got.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("GET after the redirect: %d, Cache-Control %q", got.Code, got.Header().Get("Cache-Control"))
	}
	for _, want := range []string{
		`value="/seite/mit-fehler"`,
		"<title>Fehler: Barriere melden – Fachnetz</title>",
		`<a class="kern-link" href="#f-description">Beschreibung der Barriere: Bitte füllen Sie dieses Feld aus.</a>`,
		`id="f-description"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the returned page lacks %s", want)
		}
	}
	again := send(r, http.MethodGet, "/melden", "geheim", "", nil, cookie).Body.String()
	if strings.Contains(again, "mit-fehler") || strings.Contains(again, "Fehler:") {
		t.Error("the second GET showed the rejected form again")
	}
}

// The form cookie goes once it has led to nothing more to show: kept on,
// it would cost a query on every visit of the address for half an hour.
func TestFormCookieEndsWhenNothingIsKept(t *testing.T) {
	r, _ := formServer(t)
	rec := send(r, http.MethodPost, "/senden", "geheim", "http://example.com/melden", nil)
	var cookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == formCookie {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no form cookie")
	}
	send(r, http.MethodGet, "/melden", "geheim", "", nil, cookie)
	again := send(r, http.MethodGet, "/melden", "geheim", "", nil, cookie)
	ended := false
	for _, c := range again.Result().Cookies() {
		ended = ended || c.Name == formCookie && c.MaxAge < 0 && c.Path == "/melden"
	}
	if !ended {
		t.Error("a form cookie whose page was taken is kept")
	}
}

// Where a redirect cannot lead back, the rejected form is answered
// directly with its status, filled in, as before: htmx requests, API
// clients, a POST without or with a foreign Referer, and a form shown at
// an address that has no page of its own.
func TestRejectedFormAnsweredDirectlyWhereNoPageLeadsBack(t *testing.T) {
	r, mem := formServer(t)
	for name, tc := range map[string]struct {
		referer string
		header  map[string]string
	}{
		"htmx":            {"http://example.com/melden", map[string]string{"HX-Request": "true"}},
		"JSON":            {"http://example.com/melden", map[string]string{"Accept": "application/json"}},
		"no referer":      {"", nil},
		"foreign referer": {"http://elsewhere.example/melden", nil},
		"no page there":   {"http://example.com/senden", nil},
	} {
		rec := send(r, http.MethodPost, "/senden", "geheim", tc.referer, tc.header)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, rec.Code)
		}
	}
	if len(mem.pages) != 0 {
		t.Errorf("%d pages kept", len(mem.pages))
	}
	if rec := send(r, http.MethodPost, "/senden", "", "http://example.com/melden", nil); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("without a CSRF secret to bind it to: %d, want 422", rec.Code)
	}
}

// Behind a proxy that passes on its own address as Host, the Referer
// names the public base URL's host, and the form still returns; a
// foreign host still does not.
func TestRejectedFormReturnsBehindAProxy(t *testing.T) {
	r, _ := formServerAt(t, "fachnetz.example.org")
	proxied := map[string]string{"Host": "10.0.0.7:8080"}
	rec := send(r, http.MethodPost, "/senden", "geheim", "https://fachnetz.example.org/melden", proxied)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/melden#error-summary" {
		t.Fatalf("behind a proxy: %d to %q, want 303 to /melden#error-summary", rec.Code, rec.Header().Get("Location"))
	}
	if rec := send(r, http.MethodPost, "/senden", "geheim", "https://elsewhere.example/melden", proxied); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("foreign referer behind a proxy: %d, want 422", rec.Code)
	}
}

// A Referer with a trailing slash leads to the address the router sends
// such a GET to, where the kept page is shown.
func TestRejectedFormFromAddressWithTrailingSlash(t *testing.T) {
	r, _ := formServer(t)
	if rec := send(r, http.MethodGet, "/melden/?x=1", "geheim", "", nil); rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/melden?x=1" {
		t.Fatalf("the router answers a GET with a trailing slash %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	rec := send(r, http.MethodPost, "/senden", "geheim", "http://example.com/melden/?x=1", nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/melden?x=1#error-summary" {
		t.Fatalf("rejected POST: %d to %q, want 303 to /melden?x=1#error-summary", rec.Code, rec.Header().Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == formCookie {
			cookie = c
		}
	}
	if cookie == nil || cookie.Path != "/melden" {
		t.Fatalf("form cookie: %+v", cookie)
	}
	if page := send(r, http.MethodGet, "/melden?x=1", "geheim", "", nil, cookie).Body.String(); !strings.Contains(page, `value="/seite/mit-fehler"`) {
		t.Error("the kept page was not shown at the address the browser reaches")
	}
}

// The page of a failed form says so in its title in either language.
func TestFailedFormTitle(t *testing.T) {
	r, _ := formServer(t)
	for lang, want := range map[string]string{"de": "<title>Fehler: Barriere melden", "en": "<title>Error: Barriere melden"} {
		rec := send(r, http.MethodPost, "/senden", "geheim", "", map[string]string{"Accept-Language": lang})
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: title lacks %q", lang, want)
		}
	}
	if rec := send(r, http.MethodGet, "/melden", "geheim", "", nil); strings.Contains(rec.Body.String(), "Fehler:") {
		t.Error("a form without errors has an error title")
	}
}

func TestMatchRoute(t *testing.T) {
	w := &Web{}
	w.KnowPages(gin.RoutesInfo{{Method: "GET", Path: "/fragen/:id"}, {Method: "GET", Path: "/static/*path"}, {Method: "POST", Path: "/fragen"}, {Method: "GET", Path: "/api/v1/x"}})
	for path, want := range map[string]bool{"/fragen/12": true, "/fragen": false, "/fragen/12/antworten": false, "/static/a/b.css": true, "/api/v1/x": false} {
		if w.isPage(path) != want {
			t.Errorf("%s: %v", path, !want)
		}
	}
}
