package webhook

import (
	"context"
	"crypto/x509"
	"encoding/json"
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
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/web"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "webhook", &db)) }

var (
	feOnce sync.Once
	fe     *frontend.Frontend
	feErr  error
	serial atomic.Int64
)

var baseURL, _ = url.Parse("https://fachnetz.example.org")

// fixture is one test's world on the package's database: the real
// policies enforcer, a notifier with the webhook consumer, and an agency
// of its own.
type fixture struct {
	t        *testing.T
	w        *web.Web
	enforcer *policies.Enforcer
	spaces   *policies.Spaces
	notifier *notify.Notifier
	hooks    *Webhooks
	agency   int64
}

// fastConfig shortens every wait so that retries happen within a test.
func fastConfig() Config {
	return Config{
		BaseURL: baseURL, AllowPrivate: true,
		Backoff: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond},
		Lease:   5 * time.Second, OffAfter: time.Hour, Tick: 50 * time.Millisecond, Timeout: 2 * time.Second,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	ctx := context.Background()
	feOnce.Do(func() { fe, feErr = frontend.New() })
	if feErr != nil {
		t.Fatal(feErr)
	}
	f := &fixture{t: t, w: &web.Web{Frontend: fe, Log: cfg.Log}}
	var err error
	if f.enforcer, err = policies.New(ctx, db.Pool, cfg.Log); err != nil {
		t.Fatal(err)
	}
	f.spaces = policies.NewSpaces(policies.NewStore(db.Pool), f.enforcer, f.w, policies.SpacesDeps{})
	f.notifier = notify.New(db.Pool, f.w, func(ctx context.Context, account, space int64) bool {
		return f.enforcer.Can(ctx, policies.Subject{AccountID: account}, policies.Read, space)
	})
	f.hooks = New(db.Pool, f.w, f.spaces, f.notifier, cfg)
	f.notifier.Consume(f.hooks.Consume)
	err = db.Pool.QueryRow(ctx, `INSERT INTO agencies (slug, name) VALUES ($1, 'Testbehörde') RETURNING id`,
		"ag-"+strconv.FormatInt(serial.Add(1), 10)).Scan(&f.agency)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// sender is a second server's webhooks on the same database.
func (f *fixture) sender(cfg Config) *Webhooks {
	return New(db.Pool, f.w, f.spaces, f.notifier, cfg)
}

// person creates an account and returns its id and handle.
func (f *fixture) person(name string) (int64, string) {
	f.t.Helper()
	handle := name + "-" + strconv.FormatInt(serial.Add(1), 10)
	var id int64
	err := db.Pool.QueryRow(context.Background(), `INSERT INTO accounts (agency_id, email, display_name, handle)
		VALUES ($1, $2, $3, $4) RETURNING id`, f.agency, handle+"@example.org", "Person "+name, handle).Scan(&id)
	if err != nil {
		f.t.Fatal(err)
	}
	return id, handle
}

// space creates a private space owned by owner, with further members.
func (f *fixture) space(owner int64, members map[string]policies.Role) policies.Space {
	f.t.Helper()
	ctx := context.Background()
	slug := "sp-" + strconv.FormatInt(serial.Add(1), 10)
	sp, err := f.spaces.Store.CreateSpace(ctx, policies.NewSpace{Slug: slug, Name: "Bereich " + slug, AgencyID: f.agency,
		Visibility: policies.Private, AgencyRole: policies.RoleMember}, owner)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.enforcer.Reload(ctx); err != nil {
		f.t.Fatal(err)
	}
	for handle, role := range members {
		if err := f.spaces.SetMember(ctx, sp, handle, role); err != nil {
			f.t.Fatal(err)
		}
	}
	return sp
}

// ask records a new question in the space, as the Q&A board does.
func (f *fixture) ask(space policies.Space, actor, question int64) {
	f.t.Helper()
	err := postgres.WithTx(context.Background(), db.Pool, func(tx pgx.Tx) error {
		return f.notifier.Notify(context.Background(), tx, notify.Event{Kind: notify.KindQuestion, ActorID: actor, SpaceID: space.ID,
			SubjectType: "question", SubjectID: question, Title: "Wie beantrage ich Sonderurlaub?", URL: "/fragen/" + strconv.FormatInt(question, 10)}, nil)
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// run starts a sender until the test ends.
func (f *fixture) run(h *Webhooks) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.Run(ctx)
	}()
	f.t.Cleanup(func() {
		cancel()
		<-done
	})
}

// engine mounts the routes as the server does, with the viewer given by
// the X-Test-Viewer header (an account id; X-Test-Admin makes it an
// instance admin).
func (f *fixture) engine() *gin.Engine {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(func(c *gin.Context) {
		id, _ := strconv.ParseInt(c.GetHeader("X-Test-Viewer"), 10, 64)
		web.SetViewer(c, &web.Viewer{ID: id, AgencyID: f.agency, Name: "Testperson", Handle: "test", Admin: c.GetHeader("X-Test-Admin") == "1"})
		web.SetCSRFToken(c, "token")
		c.Next()
	})
	f.hooks.Routes(r)
	f.hooks.APIRoutes(r.Group("/api/v1"))
	return r
}

// do sends a request: a url.Values body as a form, anything else as JSON.
func do(r http.Handler, who int64, method, path string, body any) *httptest.ResponseRecorder {
	var rd io.Reader = strings.NewReader("")
	ct := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		buf, _ := json.Marshal(b)
		rd, ct = strings.NewReader(string(buf)), "application/json"
	}
	req := httptest.NewRequest(method, path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("X-Test-Viewer", strconv.FormatInt(who, 10))
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
			t.Fatalf("body lacks %q:\n%.5000s", c, w.Body.String())
		}
	}
}

// register creates an endpoint through the API and returns it with its
// secret.
func (f *fixture) register(r http.Handler, who int64, space policies.Space, endpoint string, events ...string) (Endpoint, string) {
	f.t.Helper()
	w := do(r, who, "POST", "/api/v1/spaces/"+space.Slug+"/webhooks", Input{URL: endpoint, Events: events})
	expect(f.t, w, http.StatusCreated)
	var out struct {
		Webhook Endpoint `json:"webhook"`
		Secret  string   `json:"secret"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		f.t.Fatal(err)
	}
	return out.Webhook, out.Secret
}

// receiver is an HTTPS endpoint that records what it gets and answers
// with the status answer returns for the nth request (1-based).
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(n int) int
	delay  time.Duration
}

type received struct {
	header http.Header
	body   []byte
	status int
}

func newReceiver(t *testing.T, answer func(n int) int) *receiver {
	rc := &receiver{answer: answer}
	rc.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		time.Sleep(rc.delay)
		rc.mu.Lock()
		status := rc.answer(len(rc.got) + 1)
		rc.got = append(rc.got, received{header: r.Header.Clone(), body: body, status: status})
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// trust makes cfg's sender trust the receiver's certificate.
func (rc *receiver) trust(cfg Config) Config {
	cfg.RootCAs = x509.NewCertPool()
	cfg.RootCAs.AddCert(rc.srv.Certificate())
	return cfg
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// waitFor polls until ok holds; the bound only tells never from slow.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 30 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// deliveries reads an endpoint's log.
func (f *fixture) deliveries(id int64) []Delivery {
	f.t.Helper()
	list, err := f.hooks.store.Deliveries(context.Background(), id, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}
