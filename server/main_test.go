package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/postgres"
)

var testDB *postgres.TestDatabase

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	db, err := postgres.NewTestDatabase(context.Background(), "server")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testDB = db
	code := m.Run()
	db.Close()
	os.Exit(code)
}

// testEnv is the environment of a server under test: the test database,
// the test Meilisearch and a free port.
func testEnv(t testing.TB, overrides map[string]string) func(string) string {
	meiliURL := os.Getenv("FACHNETZ_TEST_MEILI_URL")
	if meiliURL == "" {
		t.Fatal("FACHNETZ_TEST_MEILI_URL is not set: run tests through scripts/with-services.sh or make test")
	}
	vars := map[string]string{
		"FACHNETZ_ADDR":         "127.0.0.1:0",
		"FACHNETZ_DATABASE_URL": testDB.URL,
		"FACHNETZ_MEILI_URL":    meiliURL,
		"FACHNETZ_MEILI_KEY":    os.Getenv("FACHNETZ_TEST_MEILI_KEY"),
		"FACHNETZ_DATA_DIR":     t.TempDir(),
		"FACHNETZ_LOG_LEVEL":    "error",
		// Compound splitting is tested in server/search/german; loading the
		// word list for every test server would only cost time.
		"FACHNETZ_WORDLIST": "none",
		// The package's servers share one index, named after the database
		// so that a run never sees documents of an earlier one.
		"FACHNETZ_MEILI_INDEX": strings.ReplaceAll(testDB.Name(), "test_server_", "idx_"),
	}
	for k, v := range overrides {
		vars[k] = v
	}
	return func(k string) string { return vars[k] }
}

// startServer runs a whole server in this process on a free port and
// returns its base URL.
func startServer(t *testing.T) string {
	t.Helper()
	return startServerWith(t, nil)
}

// startServerWith is startServer with some settings changed.
func startServerWith(t testing.TB, overrides map[string]string) string {
	t.Helper()
	return "http://" + runServer(t, overrides).Addr()
}

// runServer runs a whole server in this process until the test ends.
func runServer(t testing.TB, overrides map[string]string) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg, err := loadConfig(newFlags("serve", env{stderr: io.Discard}), nil, testEnv(t, overrides))
	if err != nil {
		t.Fatal(err)
	}
	logTo := io.Discard
	if os.Getenv("FACHNETZ_TEST_LOG") != "" {
		logTo = os.Stderr
	}
	s, err := Open(ctx, cfg, newLogger(logTo, cfg.LogLevel))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		s.Close()
	})
	return s
}

func TestCommandErrorsAreOneClearLine(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	cases := []struct {
		name     string
		args     []string
		env      map[string]string
		wantCode int
		want     string
	}{
		{"unknown subcommand", []string{"frobnicate"}, nil, 2, `unknown command "frobnicate"`},
		{"malformed address", []string{"serve"}, map[string]string{"FACHNETZ_ADDR": "port8080"}, 2, "FACHNETZ_ADDR (--addr) want host:port"},
		{"malformed duration", []string{"serve"}, map[string]string{"FACHNETZ_SHUTDOWN_TIMEOUT": "soon"}, 2, "FACHNETZ_SHUTDOWN_TIMEOUT"},
		{"malformed base URL", []string{"migrate"}, map[string]string{"FACHNETZ_BASE_URL": "intranet"}, 2, "FACHNETZ_BASE_URL"},
		{"missing database", []string{"serve"}, map[string]string{"FACHNETZ_DATABASE_URL": ""}, 2, "FACHNETZ_DATABASE_URL (--database-url) is required"},
		{"unknown flag", []string{"serve", "--colour=blue"}, nil, 2, "flag provided but not defined"},
		{"port in use", []string{"serve"}, map[string]string{"FACHNETZ_ADDR": busy.Addr().String()}, 1, "cannot listen on " + busy.Addr().String() + ": address already in use"},
		{"postgres unreachable", []string{"serve"}, map[string]string{"FACHNETZ_DATABASE_URL": "postgres://fachnetz:pw@127.0.0.1:1/fachnetz"}, 1, "PostgreSQL unreachable at 127.0.0.1:1"},
		{"postgres unreachable on migrate", []string{"migrate"}, map[string]string{"FACHNETZ_DATABASE_URL": "postgres://fachnetz:pw@127.0.0.1:1/fachnetz"}, 1, "PostgreSQL unreachable at 127.0.0.1:1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, testEnv(t, tc.env), strings.NewReader(""), &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tc.wantCode, stderr.String())
			}
			lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "fachnetz: ") || !strings.Contains(lines[0], tc.want) {
				t.Errorf("stderr %q, want one line with %q", stderr.String(), tc.want)
			}
		})
	}
}

func TestVersionAndMigrateCommands(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"version"}, testEnv(t, nil), nil, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "fachnetz ") {
		t.Fatalf("version: status %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	// The test database is migrated already, so a second run applies nothing.
	if code := run(context.Background(), []string{"migrate"}, testEnv(t, nil), nil, &stdout, &stderr); code != 0 || stdout.String() != "0 migrations applied\n" {
		t.Fatalf("migrate: status %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

func TestServeStopsGracefullyOnSignal(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, testEnv(t, map[string]string{"FACHNETZ_ADDR": addr}), nil, io.Discard, &stderr)
	}()
	// Stop it only once it serves, so that the test is about shutdown and
	// not about a start cut short.
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not come up: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve ended with %d: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// serve keeps its memory within DESIGN.md's 150 MB by a soft limit of the
// Go runtime, unless the operator sets GOMEMLIMIT, which the runtime then
// follows.
func TestServeLimitsItsMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	debug.SetMemoryLimit(math.MaxInt64)
	limitMemory(func(string) string { return "" })
	if got := debug.SetMemoryLimit(-1); got != defaultMemoryLimit {
		t.Fatalf("memory limit %d, want %d", got, defaultMemoryLimit)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	limitMemory(func(k string) string { return map[string]string{"GOMEMLIMIT": "300MiB"}[k] })
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("GOMEMLIMIT set, but the limit became %d", got)
	}
}
