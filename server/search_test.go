package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

// testIndex names a Meilisearch index for one test and deletes it when the
// test ends. The database's random name is part of it, because the test
// Meilisearch may outlive one test run and must not serve its documents
// to the next.
func testIndex(t *testing.T) string {
	uid := unique(strings.ReplaceAll(testDB.Name(), "test_server_", "idx_"))
	t.Cleanup(func() {
		req, _ := http.NewRequest(http.MethodDelete, os.Getenv("FACHNETZ_TEST_MEILI_URL")+"/indexes/"+uid, nil)
		req.Header.Set("Authorization", "Bearer "+os.Getenv("FACHNETZ_TEST_MEILI_KEY"))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	})
	return uid
}

// searchServer runs a server with an index of its own, so that tests do
// not see each other's documents.
func searchServer(t *testing.T, overrides map[string]string) string {
	t.Helper()
	env := map[string]string{"FACHNETZ_MEILI_INDEX": testIndex(t)}
	for k, v := range overrides {
		env[k] = v
	}
	return startServerWith(t, env)
}

func searchIDs(t *testing.T, base, token, query string) ([]string, bool) {
	t.Helper()
	status, out := api(t, http.MethodGet, base+"/api/v1/search?q="+url.QueryEscape(query), token, "")
	if status != http.StatusOK {
		t.Fatalf("search %q: %d %v", query, status, out)
	}
	hits, _ := out["hits"].([]any)
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.(map[string]any)["id"].(string))
	}
	sort.Strings(ids)
	return ids, out["degraded"] == true
}

// eventually polls until found reports true, for at most d.
func eventually(t *testing.T, d time.Duration, what string, found func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !found() {
		if time.Since(start) > d {
			var pending int
			var oldest *time.Time
			testDB.Pool.QueryRow(context.Background(), `SELECT count(*), min(created_at) FROM search_outbox WHERE processed_at IS NULL`).Scan(&pending, &oldest)
			t.Fatalf("not within %s: %s (outbox: %d pending, oldest %v)", d, what, pending, oldest)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// warmUp waits until the server's fresh index exists and takes pages, so
// that timings measure saving, not creating the index.
func warmUp(t *testing.T, base, token, space string) {
	t.Helper()
	putPage(t, base, token, space, "aufwaermen", "Aufwärmseite", 0)
	eventually(t, 15*time.Second, "the index is ready", func() bool { ids, _ := searchIDs(t, base, token, "Aufwärmseite"); return len(ids) == 1 })
}

func pageID(out map[string]any) string { return fmt.Sprintf("page-%d", int64(out["id"].(float64))) }

func TestSearchFollowsPageChangesAndAccess(t *testing.T) {
	agency := makeAgency(t)
	member, outsider, admin := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, true)
	sp := makeSpace(t, member, policies.Organisation, policies.RoleMember)
	base := searchServer(t, nil)
	warmUp(t, base, member.Token, sp.Slug)

	_, page := putPage(t, base, member.Token, sp.Slug, "zuwendung", "Der Zuwendungsbescheid regelt die Förderung.", 0)
	id := pageID(page)
	has := func(token, q string) bool {
		ids, _ := searchIDs(t, base, token, q)
		for _, x := range ids {
			if x == id {
				return true
			}
		}
		return false
	}
	// The bound only catches a change that never arrives: how fast it
	// arrives is logged here and measured by the benchmarks, as a busy
	// test machine (go test runs packages side by side) may take longer.
	took := eventually(t, 10*time.Second, "a saved page is found", func() bool { return has(member.Token, "Förderung") })
	t.Logf("saved page found after %s", took)

	putPage(t, base, member.Token, sp.Slug, "zuwendung", "Jetzt geht es um den Verwendungsnachweis.", 1)
	took = eventually(t, 10*time.Second, "the edited text is found", func() bool { return has(member.Token, "Verwendungsnachweis") })
	if has(member.Token, "Förderung") {
		t.Error("the old text is still found after the edit")
	}
	t.Logf("edited text found after %s", took)
	if !has(outsider.Token, "Verwendungsnachweis") {
		t.Error("a colleague of the agency does not find the organisation's page")
	}

	if status, _ := api(t, http.MethodPatch, base+"/api/v1/spaces/"+sp.Slug, member.Token, `{"visibility":"private"}`); status != http.StatusForbidden {
		// Only admins may take a space out of the organisation; the owner
		// is not one, so do it as an admin.
		t.Logf("owner changing visibility: %d", status)
	}
	if status, _ := api(t, http.MethodPatch, base+"/api/v1/spaces/"+sp.Slug, admin.Token, `{"visibility":"private"}`); status != http.StatusOK {
		t.Fatalf("make private: %d", status)
	}
	if has(outsider.Token, "Verwendungsnachweis") {
		t.Error("a non-member still finds the page of a private space")
	}
	if !has(member.Token, "Verwendungsnachweis") {
		t.Error("the member no longer finds the page")
	}

	if status, _ := api(t, http.MethodDelete, base+"/api/v1/spaces/"+sp.Slug+"/pages/zuwendung", member.Token, ""); status != http.StatusNoContent {
		t.Fatalf("delete: %d", status)
	}
	took = eventually(t, 10*time.Second, "a deleted page is gone", func() bool { return !has(member.Token, "Verwendungsnachweis") })
	t.Logf("deleted page gone after %s", took)
}

func TestSearchOnlyShowsReadableSpaces(t *testing.T) {
	agency := makeAgency(t)
	owner, reader := makePerson(t, agency, false), makePerson(t, makeAgency(t), false)
	readable := map[string]bool{}
	var slugs []string
	for i := range 200 {
		sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
		slugs = append(slugs, sp.Slug)
		if i%4 == 0 {
			addMember(t, sp, reader, policies.RoleViewer)
			readable[sp.Slug] = true
		}
	}
	base := searchServer(t, nil)
	warmUp(t, base, owner.Token, slugs[0])
	for _, slug := range slugs {
		if status, _ := putPage(t, base, owner.Token, slug, "haushalt", "Haushaltsmittel für das Projekt "+slug, 0); status != http.StatusCreated {
			t.Fatalf("page in %s: %d", slug, status)
		}
	}
	eventually(t, 30*time.Second, "all 200 pages are indexed", func() bool {
		_, out := api(t, http.MethodGet, base+"/api/v1/search?q=Haushaltsmittel", owner.Token, "")
		return out["total"] == float64(200)
	})
	seen := map[string]bool{}
	for page := 1; ; page++ {
		status, out := api(t, http.MethodGet, base+fmt.Sprintf("/api/v1/search?q=Haushaltsmittel&page=%d", page), reader.Token, "")
		if status != http.StatusOK {
			t.Fatalf("search: %d", status)
		}
		for _, h := range out["hits"].([]any) {
			space := h.(map[string]any)["space"].(string)
			if !readable[space] {
				t.Fatalf("hit from space %s, which the reader may not read", space)
			}
			seen[space] = true
		}
		if float64(page) >= out["pages"].(float64) {
			break
		}
	}
	if len(seen) != 50 {
		t.Fatalf("the reader found pages in %d spaces, want all 50 readable ones", len(seen))
	}
}

// proxy forwards TCP to Meilisearch until it is cut, the way a network or
// a stopped Meilisearch looks to the server.
type proxy struct {
	ln     net.Listener
	target string
	up     atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	p.up.Store(true)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if !p.up.Load() {
				c.Close()
				continue
			}
			go p.forward(c)
		}
	}()
	t.Cleanup(func() { ln.Close(); p.cut() })
	return p
}

func (p *proxy) forward(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns = append(p.conns, c, up)
	p.mu.Unlock()
	go func() { io.Copy(up, c); up.Close() }()
	io.Copy(c, up)
	c.Close()
}

func (p *proxy) cut() {
	p.up.Store(false)
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
}

func TestSearchSurvivesAMeilisearchOutage(t *testing.T) {
	meili, _ := url.Parse(os.Getenv("FACHNETZ_TEST_MEILI_URL"))
	px := newProxy(t, meili.Host)
	p := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, p, policies.Private, policies.RoleMember)
	base := searchServer(t, map[string]string{"FACHNETZ_MEILI_URL": "http://" + px.ln.Addr().String()})
	putPage(t, base, p.Token, sp.Slug, "vor-dem-ausfall", "Dieser Text über Beschaffung war vorher da.", 0)
	warmUp(t, base, p.Token, sp.Slug)
	eventually(t, 10*time.Second, "indexed before the outage", func() bool { ids, _ := searchIDs(t, base, p.Token, "Beschaffung"); return len(ids) == 1 })

	px.cut()
	for i := range 5 {
		if status, _ := putPage(t, base, p.Token, sp.Slug, fmt.Sprintf("im-ausfall-%d", i), "Geschrieben während Meilisearch fehlt: Beschaffung.", 0); status != http.StatusCreated {
			t.Fatalf("save during the outage: %d", status)
		}
	}
	// PostgreSQL's copy of the documents follows the outbox within moments.
	eventually(t, 10*time.Second, "all 6 found from PostgreSQL during the outage", func() bool {
		ids, degraded := searchIDs(t, base, p.Token, "Beschaffung")
		if !degraded {
			t.Fatal("during the outage: search does not say it is degraded")
		}
		return len(ids) == 6
	})
	b := newBrowser(t, base)
	b.signIn(p.Email, p.Password)
	if _, body := b.get("/suche?q=Beschaffung"); !strings.Contains(body, "eingeschränkt") {
		t.Error("the search page does not say it is degraded")
	}

	px.up.Store(true)
	eventually(t, 40*time.Second, "the outbox drains after Meilisearch returns", func() bool {
		var pending int
		testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM search_outbox WHERE processed_at IS NULL`).Scan(&pending)
		return pending == 0
	})
	var want []string
	rows, _ := testDB.Pool.Query(context.Background(), `SELECT 'page-' || id FROM pages WHERE space_id = $1 AND body LIKE '%Beschaffung%' ORDER BY 1`, sp.ID)
	for rows.Next() {
		var id string
		rows.Scan(&id)
		want = append(want, id)
	}
	rows.Close()
	got, degraded := searchIDs(t, base, p.Token, "Beschaffung")
	if degraded || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("after recovery: degraded=%v, index has %v, PostgreSQL has %v", degraded, got, want)
	}
}

func TestQueriesSucceedDuringReindex(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, p, policies.Private, policies.RoleMember)
	index := testIndex(t)
	base := searchServer(t, map[string]string{"FACHNETZ_MEILI_INDEX": index})
	warmUp(t, base, p.Token, sp.Slug)
	for i := range 300 {
		putPage(t, base, p.Token, sp.Slug, fmt.Sprintf("akte-%d", i), fmt.Sprintf("Aktenplan Nummer %d mit Registratur.", i), 0)
	}
	eventually(t, 30*time.Second, "all pages indexed", func() bool {
		_, out := api(t, http.MethodGet, base+"/api/v1/search?q=Registratur", p.Token, "")
		return out["total"] == float64(300)
	})
	if t.Failed() {
		return
	}

	done := make(chan int)
	var failures, queries atomic.Int64
	go func() {
		var stderr strings.Builder
		code := run(context.Background(), []string{"reindex"}, testEnv(t, map[string]string{"FACHNETZ_MEILI_INDEX": index}), nil, io.Discard, &stderr)
		if code != 0 {
			t.Errorf("reindex: %d %s", code, stderr.String())
		}
		close(done)
	}()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
			status, out := api(t, http.MethodGet, base+"/api/v1/search?q=Registratur", p.Token, "")
			queries.Add(1)
			if status != http.StatusOK || out["degraded"] == true || out["total"] != float64(300) {
				failures.Add(1)
			}
		}
	}
	t.Logf("%d queries during the reindex", queries.Load())
	if queries.Load() == 0 || failures.Load() > 0 {
		t.Fatalf("%d of %d queries during the reindex failed", failures.Load(), queries.Load())
	}
}
