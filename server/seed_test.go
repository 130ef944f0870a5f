package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestSeedCreatesDemoContentOnce(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"seed"}, testEnv(t, nil), nil, &out, &out); code != 0 {
		t.Fatalf("first seed: %d\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "demo content created") || !strings.Contains(out.String(), "anna.schmidt@lfd.example") {
		t.Fatalf("first seed said: %s", out.String())
	}
	var pages, spaces int
	testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM pages p JOIN spaces s ON s.id = p.space_id WHERE s.slug IN ('lfd', 'netzwerk-vergabe', 'projekt-e-akte')`).Scan(&pages)
	testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM spaces WHERE slug IN ('lfd', 'musterstadt', 'netzwerk-vergabe', 'projekt-e-akte')`).Scan(&spaces)
	if pages != len(demoPages) || spaces != 4 {
		t.Fatalf("seeded %d pages and %d spaces", pages, spaces)
	}
	out.Reset()
	if code := run(context.Background(), []string{"seed"}, testEnv(t, nil), nil, &out, &out); code != 0 || !strings.Contains(out.String(), "already there") {
		t.Fatalf("second seed: %d %s", code, out.String())
	}
	testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM pages p JOIN spaces s ON s.id = p.space_id WHERE s.slug IN ('lfd', 'netzwerk-vergabe', 'projekt-e-akte')`).Scan(&pages)
	if pages != len(demoPages) {
		t.Fatalf("second seed changed the pages: %d", pages)
	}
}
