package main

import (
	"bytes"
	"context"
	"net"
	"slices"
	"strings"
	"testing"
)

// fachnetz routes lists the routes of the handler serve builds, sorted,
// one "METHOD PATH" a line, without taking the configured port: the
// browser test of every page derives its list from it while a server runs.
func TestRoutesCommandListsTheServedRoutes(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	var stdout, stderr bytes.Buffer
	getenv := testEnv(t, map[string]string{"FACHNETZ_ADDR": busy.Addr().String()})
	if code := run(context.Background(), []string{"routes"}, getenv, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("routes: status %d, stderr %q", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	for _, want := range []string{"GET /", "GET /bereiche/:space/seiten/:page", "PUT /api/v1/spaces/:space/pages/:page", "GET /healthz", "POST /fragen/:id/antworten"} {
		if !slices.Contains(lines, want) {
			t.Errorf("routes lack %q", want)
		}
	}
	for i, l := range lines {
		method, path, ok := strings.Cut(l, " ")
		if !ok || method != strings.ToUpper(method) || !strings.HasPrefix(path, "/") {
			t.Fatalf("line %d %q is not METHOD PATH", i, l)
		}
		if i > 0 {
			prevMethod, prevPath, _ := strings.Cut(lines[i-1], " ")
			if prevPath > path || prevPath == path && prevMethod >= method {
				t.Fatalf("not sorted: %q before %q", lines[i-1], l)
			}
		}
	}
	// The same table serve mounts: a route served is a route listed.
	base := startServer(t)
	_, body := newBrowser(t, base).get("/anmelden")
	if !strings.Contains(body, "<form") || !slices.Contains(lines, "GET /anmelden") {
		t.Error("GET /anmelden is served but not listed")
	}
}
