package main

import (
	"crypto/rand"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

// A server writes two space exports at once; a third reader is asked to
// come back later, and is served once one of the two has ended.
func TestSpaceExportsAtOnceAreBounded(t *testing.T) {
	base := startServer(t)
	owner := makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	seesSpace(t, base, owner, sp)
	putTreePage(t, base, owner.Token, sp.Slug, "gross", map[string]any{"title": "Groß", "body": "Eine große Datei.\n"})
	// More than the connection buffers hold: an export whose reader does
	// not read stays in the middle of writing.
	big := make([]byte, 20<<20)
	rand.Read(big)
	attachFile(t, base, owner.Token, sp.Slug, "gross", "daten.zip", big)

	b := newBrowser(t, base)
	b.signIn(owner.Email, owner.Password)
	get := func() *http.Response {
		req, _ := http.NewRequest(http.MethodGet, base+"/bereiche/"+sp.Slug+"/export", nil)
		req.Header.Set("Accept-Language", "de")
		resp, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	var open []*http.Response
	release := func() {
		for _, r := range open {
			r.Body.Close()
		}
		open = nil
	}
	defer release()
	for range 2 {
		resp := get()
		open = append(open, resp)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("an export while fewer than two are written: %d", resp.StatusCode)
		}
	}
	resp := get()
	open = append(open, resp)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a third export at once: %d, want 503", resp.StatusCode)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "in einer Minute noch einmal") {
		t.Fatalf("a third export at once: Retry-After %q\n%s", resp.Header.Get("Retry-After"), body)
	}
	release()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp := get()
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && n > 20<<20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("an export after the others ended: %d", resp.StatusCode)
		}
	}
}
