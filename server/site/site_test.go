package site

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/web"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "site", &db)) }

// engine mounts the site on a gin engine behind the language middleware;
// viewer, when set, is signed in on every request.
func engine(t *testing.T, viewer *web.Viewer, src Sources) *gin.Engine {
	t.Helper()
	gin.SetMode(gin.TestMode)
	fe, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	w := &web.Web{Frontend: fe, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s := New(w, db.Pool, src)
	r := gin.New()
	r.Use(w.Language(), func(c *gin.Context) {
		if viewer != nil {
			web.SetViewer(c, viewer)
		}
	})
	s.Routes(r)
	return r
}

func do(r *gin.Engine, method, target, lang string, form url.Values) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", lang)
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

func TestSwitchLanguage(t *testing.T) {
	r := engine(t, nil, Sources{})
	for _, tc := range []struct {
		query, cookie, location string
	}{
		{"lang=en&next=/wiki/seite?x=1", "en", "/wiki/seite?x=1"},
		{"lang=de&next=https://evil.example/", "de", "/"},
		{"lang=fr&next=/fragen", "", "/fragen"},
		{"lang=en&next=//evil.example", "en", "/"},
	} {
		rec := do(r, http.MethodGet, "/sprache?"+tc.query, "de", nil)
		var got string
		for _, c := range rec.Result().Cookies() {
			if c.Name == "lang" {
				got = c.Value
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
					t.Errorf("%s: cookie %+v", tc.query, c)
				}
			}
		}
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tc.location || got != tc.cookie {
			t.Errorf("%s: %d to %q, cookie %q", tc.query, rec.Code, rec.Header().Get("Location"), got)
		}
	}
}

// Every kind of personal data the privacy page lists has its texts in
// both languages: a missing one would show its catalogue key.
func TestPrivacyRowsAreTranslated(t *testing.T) {
	r := engine(t, nil, Sources{})
	for _, lang := range []string{"de", "en"} {
		rec := do(r, http.MethodGet, "/datenschutz", lang, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", lang, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "privacy.row.") {
			t.Errorf("%s: the page shows a catalogue key", lang)
		}
		if rows := strings.Count(rec.Body.String(), `<th scope="row"`); rows != len(privacyRows) {
			t.Errorf("%s: %d rows, want %d", lang, rows, len(privacyRows))
		}
	}
	for _, page := range []string{"/barrierefreiheit", "/barrierefreiheit/melden"} {
		if rec := do(r, http.MethodGet, page, "en", nil); rec.Code != http.StatusOK {
			t.Errorf("%s: %d", page, rec.Code)
		}
	}
}

func TestReportFormTakesOnlyLocalPages(t *testing.T) {
	r := engine(t, nil, Sources{})
	for from, want := range map[string]string{"/wiki/seite": `value="/wiki/seite"`, "https://evil.example/x": `value="/"`} {
		body := do(r, http.MethodGet, "/barrierefreiheit/melden?seite="+url.QueryEscape(from), "de", nil).Body.String()
		if !strings.Contains(body, want) || strings.Contains(body, "evil.example") {
			t.Errorf("from %s: no %s", from, want)
		}
	}
}

func TestReportStoresValidReportsOnly(t *testing.T) {
	ctx := context.Background()
	r := engine(t, nil, Sources{})
	count := func() (n int) {
		db.Pool.QueryRow(ctx, `SELECT count(*) FROM barrier_reports`).Scan(&n)
		return n
	}
	before := count()
	for _, tc := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"description": {"  "}}, "description"},
		{url.Values{"description": {strings.Repeat("ä", 5001)}}, "description"},
		{url.Values{"description": {"Kontrast"}, "contact": {"keine adresse"}}, "contact"},
		{url.Values{"description": {"Kontrast"}, "page_url": {"/" + strings.Repeat("a", 2000)}}, "page_url"},
	} {
		rec := do(r, http.MethodPost, "/barrierefreiheit/melden", "de", tc.form)
		body := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-`+tc.field+`-error"`) {
			t.Errorf("%.60v: %d, field %s not marked", tc.form, rec.Code, tc.field)
		}
		if v := tc.form.Get("contact"); v != "" && !strings.Contains(body, `value="`+v+`"`) {
			t.Errorf("%v: the form was not refilled", tc.form)
		}
	}
	if n := count(); n != before {
		t.Fatalf("rejected reports were stored: %d", n-before)
	}
	rec := do(r, http.MethodPost, "/barrierefreiheit/melden", "de", url.Values{
		"page_url": {" /wiki/tabelle "}, "description": {" Tabelle ohne Kopfzeilen "}, "contact": {"Erika <erika@example.org>"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("valid report: %d", rec.Code)
	}
	var page, desc string
	var contact *string
	err := db.Pool.QueryRow(ctx, `SELECT page_url, description, contact FROM barrier_reports ORDER BY id DESC LIMIT 1`).Scan(&page, &desc, &contact)
	if err != nil || page != "/wiki/tabelle" || desc != "Tabelle ohne Kopfzeilen" || contact == nil || *contact != "Erika <erika@example.org>" {
		t.Errorf("stored: %q %q %v %v", page, desc, contact, err)
	}
	do(r, http.MethodPost, "/barrierefreiheit/melden", "de", url.Values{"description": {"ohne Kontakt"}})
	if err := db.Pool.QueryRow(ctx, `SELECT contact FROM barrier_reports ORDER BY id DESC LIMIT 1`).Scan(&contact); err != nil || contact != nil {
		t.Errorf("an empty contact is stored as %v (%v), want NULL", contact, err)
	}
}
