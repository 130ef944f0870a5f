package main

import (
	"net/http"
	"strings"
	"testing"
)

// /metrics shows sign-in outcomes as they happen: only the allowed
// addresses and the holder of the metrics token may read it.
func TestMetricsOnlyForAllowedClients(t *testing.T) {
	const token = "metrics-token-for-prometheus-0123456789"
	read := func(base string, header ...string) int {
		t.Helper()
		resp, body := get(t, base+"/metrics", header...)
		if resp.StatusCode == http.StatusOK && !strings.Contains(body, "go_goroutines") {
			t.Errorf("/metrics answered 200 without the counters")
		}
		return resp.StatusCode
	}
	elsewhere := startServerWith(t, map[string]string{"FACHNETZ_METRICS_FROM": "192.0.2.0/24", "FACHNETZ_METRICS_TOKEN": token})
	for name, tc := range map[string]struct {
		header []string
		want   int
	}{
		"no token":    {nil, http.StatusNotFound},
		"wrong token": {[]string{"Authorization", "Bearer " + strings.Repeat("x", len(token))}, http.StatusNotFound},
		"the token":   {[]string{"Authorization", "Bearer " + token}, http.StatusOK},
	} {
		if got := read(elsewhere, tc.header...); got != tc.want {
			t.Errorf("from a client not allowed, %s: %d, want %d", name, got, tc.want)
		}
	}

	local := startServer(t) // the default: this machine only
	if got := read(local); got != http.StatusOK {
		t.Errorf("from this machine: %d, want 200", got)
	}
	// A proxy on this machine that is not trusted relays the world.
	if got := read(local, "X-Forwarded-For", "203.0.113.5"); got != http.StatusNotFound {
		t.Errorf("relayed by an untrusted proxy: %d, want 404", got)
	}
	// Behind a trusted proxy the client's own address counts.
	proxied := startServerWith(t, map[string]string{"FACHNETZ_TRUSTED_PROXIES": "127.0.0.1,::1", "FACHNETZ_METRICS_FROM": "198.51.100.0/24"})
	if got := read(proxied, "X-Forwarded-For", "203.0.113.5"); got != http.StatusNotFound {
		t.Errorf("a client not allowed behind a trusted proxy: %d, want 404", got)
	}
	if got := read(proxied, "X-Forwarded-For", "198.51.100.9"); got != http.StatusOK {
		t.Errorf("an allowed client behind a trusted proxy: %d, want 200", got)
	}
	if got := read(proxied); got != http.StatusNotFound {
		t.Errorf("the proxy itself, not allowed: %d, want 404", got)
	}
}

func TestMetricsTokenMustBeLong(t *testing.T) {
	if _, err := loadConfig(newFlags("serve", env{}), nil, testEnv(t, map[string]string{"FACHNETZ_METRICS_TOKEN": "kurz"})); err == nil {
		t.Fatal("a short metrics token was accepted")
	}
	if _, err := loadConfig(newFlags("serve", env{}), nil, testEnv(t, map[string]string{"FACHNETZ_METRICS_FROM": "irgendwo"})); err == nil {
		t.Fatal("an address list that is none was accepted")
	}
}

// The profiler shows the server's inner workings: it follows the rule of
// /metrics.
func TestProfilerOnlyForMetricsReaders(t *testing.T) {
	elsewhere := startServerWith(t, map[string]string{"FACHNETZ_METRICS_FROM": "192.0.2.0/24"})
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/profile?seconds=1"} {
		if resp, _ := get(t, elsewhere+path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s from a client not allowed: %d, want 404", path, resp.StatusCode)
		}
	}
	local := startServer(t)
	if resp, body := get(t, local+"/debug/pprof/"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("/debug/pprof/ from this machine: %d", resp.StatusCode)
	}
	if resp, _ := get(t, local+"/debug/pprof/profile?seconds=1"); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("a CPU profile from this machine: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
