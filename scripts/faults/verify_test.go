package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeAPI answers the reads lost makes: the pages and questions it holds,
// 404 for the rest, and a 503 on the first read of "wackelt".
func fakeAPI(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var reads atomic.Int64
	var flaky atomic.Bool
	pages := map[string]pageJSON{"a": {ID: 1, Slug: "a", Revision: 3}, "b": {ID: 2, Slug: "b", Revision: 1}, "wackelt": {ID: 5, Slug: "wackelt", Revision: 1}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reads.Add(1)
		if r.Header.Get("Authorization") != "Bearer geheim" {
			http.Error(w, "{}", http.StatusUnauthorized)
			return
		}
		if slug, ok := strings.CutPrefix(r.URL.Path, "/api/v1/spaces/raum/pages/"); ok {
			if slug == "wackelt" && !flaky.Swap(true) {
				http.Error(w, "{}", http.StatusServiceUnavailable)
				return
			}
			if p, ok := pages[slug]; ok {
				json.NewEncoder(w).Encode(p)
				return
			}
		}
		if r.URL.Path == "/api/v1/questions/7" {
			fmt.Fprint(w, `{"question": {"id": 7}, "answers": [{"id": 70}, {"id": 71}]}`)
			return
		}
		http.Error(w, `{"error": {}}`, http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	return srv, &reads
}

func TestLostFindsWhatIsNotThere(t *testing.T) {
	srv, _ := fakeAPI(t)
	c := newClient(srv.URL, "geheim")
	acks := []ack{
		{kind: "page", slug: "a", revision: 1, id: 1},
		{kind: "edit", slug: "a", revision: 3, id: 1}, // the highest revision counts
		{kind: "page", slug: "b", revision: 1, id: 2},
		{kind: "edit", slug: "b", revision: 2, id: 2},   // older than acknowledged
		{kind: "page", slug: "weg", revision: 1, id: 9}, // not there at all
		{kind: "page", slug: "wackelt", revision: 1, id: 5},
		{kind: "question", id: 7},
		{kind: "answer", question: 7, id: 70},
		{kind: "answer", question: 7, id: 72},
		{kind: "question", id: 8},
	}
	got := lost(context.Background(), c, "raum", acks)
	want := []string{
		"page b: acknowledged id 2 revision 2, found id 2 revision 1",
		"page weg (id 9, revision 1): ",
		"question 7: answers 72 missing",
		"question 8: ",
	}
	if len(got) != len(want) {
		t.Fatalf("lost:\n%s", strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("lost[%d] = %q, want %q…", i, got[i], want[i])
		}
	}
	if got := lost(context.Background(), c, "raum", acks[:2]); len(got) != 0 {
		t.Errorf("nothing lost: %q", got)
	}
}

// A 404 is an answer and not read again; other failures are retried.
func TestGetRetriesAllButNotFound(t *testing.T) {
	srv, reads := fakeAPI(t)
	c := newClient(srv.URL, "geheim")
	var p pageJSON
	if err := get(context.Background(), c, "/spaces/raum/pages/wackelt", &p); err != nil || p.ID != 5 {
		t.Errorf("after one 503: %+v %v", p, err)
	}
	before := reads.Load()
	if err := get(context.Background(), c, "/spaces/raum/pages/nie", &p); err == nil {
		t.Error("a missing page was found")
	}
	if n := reads.Load() - before; n != 1 {
		t.Errorf("a 404 was read %d times", n)
	}
}

func TestClientDo(t *testing.T) {
	srv, _ := fakeAPI(t)
	var p pageJSON
	status, err := newClient(srv.URL, "geheim").do(context.Background(), http.MethodGet, "/spaces/raum/pages/a", nil, &p)
	if status != 200 || err != nil || p.Revision != 3 {
		t.Errorf("page: %d %+v %v", status, p, err)
	}
	status, err = newClient(srv.URL, "falsch").do(context.Background(), http.MethodGet, "/spaces/raum/pages/a", nil, nil)
	if status != http.StatusUnauthorized || err == nil || !strings.Contains(err.Error(), "GET /spaces/raum/pages/a: 401 Unauthorized") {
		t.Errorf("wrong token: %d %v", status, err)
	}
	srv.Close()
	if status, err := newClient(srv.URL, "geheim").do(context.Background(), http.MethodGet, "/x", nil, nil); status != 0 || err == nil {
		t.Errorf("no server: %d %v", status, err)
	}
}

func TestRunJobsCollectsSorted(t *testing.T) {
	var jobs []func() string
	var ran atomic.Int64
	for i := range 50 {
		jobs = append(jobs, func() string {
			ran.Add(1)
			if i%10 == 0 {
				return fmt.Sprintf("fehler %02d", i)
			}
			return ""
		})
	}
	out := runJobs(jobs, 4)
	if ran.Load() != 50 || !slices.Equal(out, []string{"fehler 00", "fehler 10", "fehler 20", "fehler 30", "fehler 40"}) {
		t.Errorf("ran %d, out %q", ran.Load(), out)
	}
}

func TestDiffAndSet(t *testing.T) {
	var ids []string
	for i := range 12 {
		ids = append(ids, fmt.Sprintf("page-%02d", i))
	}
	a, b := set(ids), set(ids[:1])
	got := diff("documents missing", a, b)
	if len(got) != 1 || !strings.HasPrefix(got[0], "11 documents missing: page-01, page-02") || strings.Contains(got[0], "page-11") {
		t.Errorf("diff = %q", got)
	}
	if diff("x", b, a) != nil {
		t.Error("nothing missing must give nil")
	}
}

func TestReadVarsAndTail(t *testing.T) {
	dir := t.TempDir()
	env := filepath.Join(dir, "env")
	os.WriteFile(env, []byte("FACHNETZ_DATABASE_URL=postgres://x/y?a=b\n# Kommentar\nFACHNETZ_MEILI_KEY=\n"), 0o644)
	vars, err := readVars(env)
	if err != nil || vars["FACHNETZ_DATABASE_URL"] != "postgres://x/y?a=b" || len(vars) != 2 {
		t.Errorf("vars: %v %v", vars, err)
	}
	if _, err := readVars(filepath.Join(dir, "fehlt")); err == nil {
		t.Error("a missing file read")
	}
	log := filepath.Join(dir, "server.log")
	os.WriteFile(log, []byte("eins\nzwei\ndrei\nvier\n"), 0o644)
	if got := tail(log, 2); got != "\n  drei\n  vier" {
		t.Errorf("tail = %q", got)
	}
	if got := tail(filepath.Join(dir, "fehlt"), 2); got != "(no log)" {
		t.Errorf("tail of nothing = %q", got)
	}
}

func TestFreePortBelowTheEphemeralRange(t *testing.T) {
	for range 200 {
		p, err := freePort()
		if err != nil || p < 20000 || p > 31999 {
			t.Fatalf("port %d, %v", p, err)
		}
	}
}

// A recorder's snapshot does not change with later records.
func TestRecorderSnapshot(t *testing.T) {
	var r recorder
	r.op(op{status: 200})
	r.ack(ack{kind: "page"})
	ops, acks := r.snapshot()
	ops[0].status = 1
	r.op(op{status: 503})
	if len(ops) != 1 || len(acks) != 1 {
		t.Fatal("snapshot grew")
	}
	if again, _ := r.snapshot(); len(again) != 2 || again[0].status != 200 {
		t.Errorf("the recorder changed through a snapshot: %+v", again)
	}
}
