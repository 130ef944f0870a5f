package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

// startProcess builds fachnetz and runs it as a separate process on the
// test database, returning its base URL.
func startProcess(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fachnetz")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	getenv := testEnv(t, map[string]string{"FACHNETZ_ADDR": addr, "FACHNETZ_MIGRATE": "false"})
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"FACHNETZ_ADDR="+addr, "FACHNETZ_DATABASE_URL="+getenv("FACHNETZ_DATABASE_URL"),
		"FACHNETZ_MEILI_URL="+getenv("FACHNETZ_MEILI_URL"), "FACHNETZ_MEILI_KEY="+getenv("FACHNETZ_MEILI_KEY"),
		"FACHNETZ_DATA_DIR="+t.TempDir(), "FACHNETZ_LOG_LEVEL=warn", "FACHNETZ_MIGRATE=false")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("second process ended with %v", err)
			}
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			t.Error("second process did not stop on SIGINT")
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("second process did not become healthy")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A membership change made through one server takes effect there on the
// next request, and on another server process sharing the database within
// seconds (it learns of it through PostgreSQL NOTIFY).
func TestMembershipChangeReachesSecondProcess(t *testing.T) {
	agency := makeAgency(t)
	owner, newcomer := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	first := startServer(t)
	second := startProcess(t)
	space := "/api/v1/spaces/" + sp.Slug

	for _, base := range []string{first, second} {
		if status, _ := api(t, http.MethodGet, base+space, newcomer.Token, ""); status != http.StatusNotFound {
			t.Fatalf("%s before: %d, want 404", base, status)
		}
	}
	if status, _ := api(t, http.MethodPut, first+space+"/members/"+newcomer.Handle, owner.Token, `{"role":"member"}`); status != http.StatusOK {
		t.Fatalf("add member: %d", status)
	}
	if status, _ := api(t, http.MethodGet, first+space, newcomer.Token, ""); status != http.StatusOK {
		t.Fatalf("same process, next request: %d, want 200", status)
	}
	waitFor(t, func() bool {
		s, _ := api(t, http.MethodGet, second+space, newcomer.Token, "")
		return s == http.StatusOK
	}, "second process to grant access")

	if status, _ := api(t, http.MethodDelete, second+space+"/members/"+newcomer.Handle, owner.Token, ""); status != http.StatusNoContent {
		t.Fatalf("remove member through the second process: %d", status)
	}
	if status, _ := api(t, http.MethodGet, second+space, newcomer.Token, ""); status != http.StatusNotFound {
		t.Fatalf("second process, next request: %d, want 404", status)
	}
	waitFor(t, func() bool {
		s, _ := api(t, http.MethodGet, first+space, newcomer.Token, "")
		return s == http.StatusNotFound
	}, "first process to revoke access")
}

// waitFor polls until ok. Its bound only tells a lost change from a slow
// one on a loaded machine; how fast changes spread is for benchmarks.
func waitFor(t *testing.T, ok func() bool, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("waited 30 s for %s", what)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Logf("%s took %s", what, time.Since(start).Round(time.Millisecond))
}
