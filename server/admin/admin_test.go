package admin

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/web"
)

var seq atomic.Int64

// engine mounts the administration on a gin engine the way the server
// does, behind the language middleware.
func engine(t *testing.T) (*gin.Engine, *Admin) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	fe, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	w := &web.Web{Frontend: fe, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	a := &Admin{web: w, accounts: auth.NewStore(db.Pool), reports: NewReportStore(db.Pool)}
	r := gin.New()
	r.Use(w.Language())
	a.Routes(r.Group("/verwaltung"))
	return r, a
}

func do(r *gin.Engine, method, path string, form url.Values) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", "de")
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

func TestReportPagesListAndResolve(t *testing.T) {
	clearReports(t)
	r, _ := engine(t)
	id := report(t, "Kontrast der Tabelle zu gering", time.Hour, -1)
	old := report(t, "längst erledigt", 2*ReportRetention, ReportRetention+time.Hour)
	rec := do(r, http.MethodGet, "/verwaltung/barrieren", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Kontrast der Tabelle zu gering") {
		t.Fatalf("list: %d\n%s", rec.Code, rec.Body.String())
	}
	if strings.Contains(rec.Body.String(), "längst erledigt") {
		t.Errorf("the list shows report %d past its retention", old)
	}
	rec = do(r, http.MethodPost, fmt.Sprintf("/verwaltung/barrieren/%d/erledigt", id), url.Values{})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/verwaltung/barrieren?gespeichert=1" {
		t.Errorf("resolve: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	for _, bad := range []string{"x", "999999"} {
		if rec := do(r, http.MethodPost, "/verwaltung/barrieren/"+bad+"/erledigt", url.Values{}); rec.Code != http.StatusNotFound {
			t.Errorf("resolve %s: %d", bad, rec.Code)
		}
	}
}

// A new agency's slug comes from its name when none is typed; a bad or
// taken slug refills the form with a message at the slug field.
func TestCreateAgency(t *testing.T) {
	r, a := engine(t)
	name := fmt.Sprintf("Amt für Prüfung %d", seq.Add(1))
	rec := do(r, http.MethodPost, "/verwaltung/behoerden", url.Values{"name": {name}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", rec.Code, rec.Body.String())
	}
	slug := strings.TrimPrefix(rec.Header().Get("Location"), "/verwaltung/behoerden?angelegt=")
	g, err := a.accounts.AgencyBySlug(t.Context(), slug)
	if err != nil || g.Name != name || !strings.HasPrefix(slug, "amt-fuer-pruefung-") {
		t.Fatalf("created %q: %+v %v", slug, g, err)
	}
	for _, tc := range []struct {
		form   url.Values
		status int
		field  string
	}{
		{url.Values{"name": {"Zweites Amt"}, "slug": {slug}}, http.StatusConflict, "slug"},
		{url.Values{"name": {"Drittes Amt"}, "slug": {"Kein Slug!"}}, http.StatusUnprocessableEntity, "slug"},
		{url.Values{"name": {""}}, http.StatusUnprocessableEntity, "name"},
		{url.Values{"name": {strings.Repeat("x", 201)}}, http.StatusUnprocessableEntity, "name"},
	} {
		rec := do(r, http.MethodPost, "/verwaltung/behoerden", tc.form)
		body := rec.Body.String()
		if rec.Code != tc.status || !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, `id="f-`+tc.field+`-error"`) {
			t.Errorf("%v: %d, field %s not marked", tc.form, rec.Code, tc.field)
		}
		if v := tc.form.Get("name"); v != "" && !strings.Contains(body, `value="`+v+`"`) {
			t.Errorf("%v: the form was not refilled", tc.form)
		}
	}
}

func TestPager(t *testing.T) {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodGet, "/verwaltung/konten?q=meier&seite=2", nil)
	if n := pageOf(c); n != 2 {
		t.Errorf("pageOf = %d", n)
	}
	p := newPager(c, 2, 2*pageSize+1)
	if p.Pages != 3 || p.Prev != "/verwaltung/konten?q=meier&seite=1" || p.Next != "/verwaltung/konten?q=meier&seite=3" {
		t.Errorf("pager: %+v", p)
	}
	if p := newPager(c, 1, pageSize); p.Pages != 1 || p.Prev != "" || p.Next != "" {
		t.Errorf("one page: %+v", p)
	}
	for _, q := range []string{"", "seite=0", "seite=-3", "seite=x"} {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "/x?"+q, nil)
		if n := pageOf(c); n != 1 {
			t.Errorf("%q: page %d", q, n)
		}
	}
}
