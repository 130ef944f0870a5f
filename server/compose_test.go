package main

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// composeScript is the shell script of a compose.yaml service's command
// (a "- |" block), with compose's $$ turned back into $.
func composeScript(t *testing.T, compose, service string) string {
	t.Helper()
	start := strings.Index(compose, "\n  "+service+":\n")
	if start < 0 {
		t.Fatalf("compose.yaml has no service %s", service)
	}
	lines := strings.Split(compose[start+1:], "\n")
	var script []string
	in := false
	for _, l := range lines[1:] {
		if !in {
			in = strings.TrimSpace(l) == "- |"
			if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   ") {
				break // the next service
			}
			continue
		}
		if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "        ") {
			break
		}
		script = append(script, strings.TrimPrefix(l, "        "))
	}
	if len(script) == 0 {
		t.Fatalf("service %s has no script", service)
	}
	return strings.ReplaceAll(strings.Join(script, "\n"), "$$", "$")
}

// composeService is the text of one service of compose.yaml.
func composeService(compose, service string) string {
	start := strings.Index(compose, "\n  "+service+":\n")
	if start < 0 {
		return ""
	}
	rest := compose[start+len(service)+5:]
	for i, l := range strings.SplitAfter(rest, "\n") {
		if i > 0 && strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   ") && !strings.HasPrefix(l, "  #") {
			return rest[:strings.Index(rest, l)]
		}
	}
	return rest
}

// The server gets a Meilisearch key for its own indexes only: compose's
// one-shot step creates it with the master key, the server never sees the
// master key, and with the key it can do its work but not touch another
// index or the keys.
func TestComposeGivesTheServerAScopedMeilisearchKey(t *testing.T) {
	raw, err := os.ReadFile("../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	compose := string(raw)
	server := composeService(compose, "fachnetz")
	if server == "" || strings.Contains(server, "MEILI_MASTER_KEY") || !strings.Contains(server, "FACHNETZ_MEILI_KEY_FILE") {
		t.Fatalf("the fachnetz service must get the scoped key file, not the master key:\n%s", server)
	}

	// The script, run against the test Meilisearch with a uid of its own.
	meili, master := os.Getenv("FACHNETZ_TEST_MEILI_URL"), os.Getenv("FACHNETZ_TEST_MEILI_KEY")
	index := testIndex(t)
	u := make([]byte, 16)
	rand.Read(u)
	h := fmt.Sprintf("%x", u)
	uid := h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
	script := strings.Replace(composeScript(t, compose, "meilisearch-key"), "5c0a5b57-2c8f-4c1e-9d0e-7ac4e7a1e7a1", uid, 1)
	keyFile := filepath.Join(t.TempDir(), "key")
	run := func() string {
		cmd := exec.Command("sh", "-c", script)
		cmd.Env = append(os.Environ(), "MEILI_URL="+meili, "MEILI_MASTER_KEY="+master, "KEY_FILE="+keyFile, "INDEX="+index)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("meilisearch-key: %v\n%s", err, out)
		}
		b, _ := os.ReadFile(keyFile)
		return strings.TrimSpace(string(b))
	}
	key := run()
	if key == "" || key == master || strings.ContainsAny(key, " \n\t\"") {
		t.Fatalf("key %q", key)
	}
	if again := run(); again != key {
		t.Fatalf("a second start gave another key")
	}
	call := func(method, path, body string) int {
		req, _ := http.NewRequest(method, meili+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if status := call(http.MethodGet, "/keys", ""); status != http.StatusForbidden {
		t.Errorf("the key lists keys: %d", status)
	}
	if status := call(http.MethodPost, "/indexes", `{"uid":"anders_`+uid[:8]+`"}`); status != http.StatusForbidden {
		t.Errorf("the key creates another index: %d", status)
	}
	if status := call(http.MethodPost, "/dumps", ""); status != http.StatusForbidden {
		t.Errorf("the key takes a dump: %d", status)
	}

	// The server does its work with it.
	agency := makeAgency(t)
	p := makePerson(t, agency, false)
	sp := makeSpace(t, p, policies.Organisation, policies.RoleMember)
	base := startServerWith(t, map[string]string{"FACHNETZ_MEILI_INDEX": index, "FACHNETZ_MEILI_KEY": "", "FACHNETZ_MEILI_KEY_FILE": keyFile})
	warmUp(t, base, p.Token, sp.Slug)
}
