package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/scripts/bench/dataset"
)

// run counts only what is sent after the warm-up, every connection with
// its own numbers, and the first error it met.
func TestRunCountsAfterTheWarmUp(t *testing.T) {
	var sent atomic.Int64
	workers := make([]atomic.Int64, 3)
	res := run(context.Background(), "probe", 3, 100*time.Millisecond, 200*time.Millisecond, func(_ context.Context, _ *http.Client, w, seq int) error {
		sent.Add(1)
		workers[w].Add(1)
		time.Sleep(5 * time.Millisecond)
		if seq%4 == 3 {
			return fmt.Errorf("fehler %d", seq)
		}
		return nil
	})
	if res.Name != "probe" || res.Conns != 3 || res.Elapsed != 200*time.Millisecond {
		t.Errorf("result: %+v", res)
	}
	if res.Requests == 0 || int64(res.Requests) >= sent.Load() || len(res.lat) != res.Requests {
		t.Errorf("%d counted of %d sent, %d latencies: the warm-up must not count", res.Requests, sent.Load(), len(res.lat))
	}
	for w := range workers {
		if workers[w].Load() == 0 {
			t.Errorf("connection %d sent nothing", w)
		}
	}
	if res.Errors == 0 || res.Errors > res.Requests/3 || !strings.HasPrefix(res.FirstErr, "fehler ") {
		t.Errorf("errors %d of %d, first %q", res.Errors, res.Requests, res.FirstErr)
	}
	if !slices.IsSorted(res.lat) || res.Pct(50) < 5*time.Millisecond {
		t.Errorf("latencies not sorted or too short: p50 %v", res.Pct(50))
	}
}

func TestRunStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	began := time.Now()
	res := run(ctx, "stopped", 2, 0, time.Minute, func(context.Context, *http.Client, int, int) error { return nil })
	if time.Since(began) > 5*time.Second || res.Requests != 0 {
		t.Errorf("a cancelled run took %v and counted %d", time.Since(began), res.Requests)
	}
}

func TestFetch(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/weg" {
			http.Redirect(w, r, "/", http.StatusFound)
			return
		}
		fmt.Fprint(w, "Antwort")
	}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	if body, err := fetch(client(), req, http.StatusOK); err != nil || string(body) != "Antwort" {
		t.Errorf("fetch: %q %v", body, err)
	}
	// The client follows no redirect: a redirect is an answer of its own.
	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/weg", nil)
	if _, err := fetch(client(), req, http.StatusOK); err == nil || !strings.Contains(err.Error(), "GET /weg: status 302") {
		t.Errorf("redirect: %v", err)
	}
}

// editToSearchable times each save until the search finds the page by the
// word the save added, and gives the times sorted.
func TestEditToSearchable(t *testing.T) {
	var saved atomic.Value
	saved.Store("")
	var searches atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer schreib" {
			http.Error(w, "", http.StatusUnauthorized)
			return
		}
		switch {
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/spaces/raum/pages/"):
			fmt.Fprint(w, `{"revision": 3}`)
		case r.Method == http.MethodPut:
			b, _ := io.ReadAll(r.Body)
			if !strings.Contains(string(b), `"base_revision":3`) {
				http.Error(w, "", http.StatusConflict)
				return
			}
			saved.Store(strings.TrimPrefix(r.URL.Path, "/api/v1/spaces/raum/pages/") + "|" + string(b))
			fmt.Fprint(w, `{}`)
		case r.URL.Path == "/api/v1/search":
			// Found on the second search after each save.
			if searches.Add(1)%2 == 1 {
				fmt.Fprint(w, `{"hits": []}`)
				return
			}
			slug, body, _ := strings.Cut(saved.Load().(string), "|")
			if strings.Contains(body, r.URL.Query().Get("q")) {
				fmt.Fprintf(w, `{"hits": [{"url": "/bereiche/raum/seiten/%s"}]}`, slug)
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	set := &dataset.Set{WriterToken: "schreib", EditSpace: "raum", EditPages: []string{"a", "b"}}
	took, err := editToSearchable(context.Background(), srv.URL, set, 3)
	if err != nil || len(took) != 3 || !slices.IsSorted(took) || took[0] < 10*time.Millisecond {
		t.Errorf("took %v, %v", took, err)
	}
	set.WriterToken = "falsch"
	if _, err := editToSearchable(context.Background(), srv.URL, set, 1); err == nil {
		t.Error("a refused save was timed")
	}
}

func TestPeakRSSOfAChild(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd}
	defer p.stop()
	// Right after the fork the child is still a copy of the test binary
	// on its way to exec sleep: its memory is read once sleep runs.
	rss := p.peakRSS()
	for deadline := time.Now().Add(10 * time.Second); rss < 100<<10 && time.Now().Before(deadline); rss = p.peakRSS() {
		time.Sleep(10 * time.Millisecond)
	}
	if rss < 100<<10 || rss > 1<<30 {
		t.Errorf("peak RSS of sleep: %d bytes", rss)
	}
	began := time.Now()
	p.stop()
	if time.Since(began) > 5*time.Second {
		t.Error("stop did not interrupt the child")
	}
	if p.peakRSS() != 0 {
		t.Error("a stopped child still reports memory")
	}
}

func TestMarkWordsDiffer(t *testing.T) {
	a, b := markWord(1), markWord(2)
	if a == b || !strings.HasPrefix(a, "messmarke1x") || !strings.HasPrefix(b, "messmarke2x") {
		t.Errorf("%q %q", a, b)
	}
}
