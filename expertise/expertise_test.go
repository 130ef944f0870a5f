package expertise

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "expertise", &db)) }

var (
	feOnce sync.Once
	fe     *frontend.Frontend
	feErr  error
	serial atomic.Int64
)

// fixture is one test's world: its own agency and people.
type fixture struct {
	t      *testing.T
	e      *Expertise
	agency int64
	people map[int64]*web.Viewer
}

func newFixture(t *testing.T, deps Deps) *fixture {
	t.Helper()
	feOnce.Do(func() { fe, feErr = frontend.New() })
	if feErr != nil {
		t.Fatal(feErr)
	}
	w := &web.Web{Frontend: fe, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	deps.Topics = topics.New(w, db.Pool, topics.Deps{})
	f := &fixture{t: t, e: New(NewStore(db.Pool), w, deps), people: map[int64]*web.Viewer{}}
	f.agency = f.newAgency()
	return f
}

func (f *fixture) newAgency() int64 {
	var id int64
	err := db.Pool.QueryRow(context.Background(), `INSERT INTO agencies (slug, name) VALUES ($1, 'Testbehörde') RETURNING id`,
		"ag-"+strconv.FormatInt(serial.Add(1), 10)).Scan(&id)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// person creates an account in agency; name gets a unique suffix.
func (f *fixture) person(agency int64, name string) *web.Viewer {
	f.t.Helper()
	n := serial.Add(1)
	handle := fmt.Sprintf("p%d-%s", n, web.Slugify(name, 20))
	v := &web.Viewer{AgencyID: agency, Name: fmt.Sprintf("%s %d", name, n), Handle: handle, Email: handle + "@example.org"}
	err := db.Pool.QueryRow(context.Background(), `INSERT INTO accounts (agency_id, email, display_name, handle)
		VALUES ($1, $2, $3, $4) RETURNING id`, agency, v.Email, v.Name, handle).Scan(&v.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	f.people[v.ID] = v
	return v
}

func (f *fixture) exec(sql string, args ...any) {
	f.t.Helper()
	if _, err := db.Pool.Exec(context.Background(), sql, args...); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
}

func (f *fixture) unit(name string, parent *int64) int64 {
	f.t.Helper()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), `INSERT INTO org_units (agency_id, parent_id, name) VALUES ($1, $2, $3) RETURNING id`,
		f.agency, parent, name).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// engine mounts the routes as the server does, with the viewer given by
// the X-Test-Viewer header (an account id of the fixture).
func (f *fixture) engine() *gin.Engine {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(func(c *gin.Context) {
		id, _ := strconv.ParseInt(c.GetHeader("X-Test-Viewer"), 10, 64)
		if v := f.people[id]; v != nil {
			web.SetViewer(c, v)
		}
		web.SetCSRFToken(c, "token")
		c.Next()
	})
	f.e.Routes(r)
	f.e.APIRoutes(r.Group("/api/v1"))
	return r
}

func do(r http.Handler, who *web.Viewer, method, path string, form url.Values) *httptest.ResponseRecorder {
	body := strings.NewReader("")
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Test-Viewer", strconv.FormatInt(who.ID, 10))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func doJSON(r http.Handler, who *web.Viewer, method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Test-Viewer", strconv.FormatInt(who.ID, 10))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func expect(t *testing.T, w *httptest.ResponseRecorder, status int, contains ...string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d; body:\n%.3000s", w.Code, status, w.Body.String())
	}
	for _, c := range contains {
		if !strings.Contains(w.Body.String(), c) {
			t.Fatalf("body lacks %q:\n%.6000s", c, w.Body.String())
		}
	}
	if strings.Contains(w.Header().Get("Content-Type"), "text/html") {
		if n := strings.Count(w.Body.String(), "<h1"); n != 1 {
			t.Fatalf("%d h1 elements", n)
		}
	}
}

func lacks(t *testing.T, w *httptest.ResponseRecorder, s string) {
	t.Helper()
	if strings.Contains(w.Body.String(), s) {
		t.Fatalf("body contains %q:\n%.4000s", s, w.Body.String())
	}
}

func decode(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("%v: %s", err, w.Body.String())
	}
}
