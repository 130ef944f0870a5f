package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/expertise"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// The seed runs on a database of its own: the demo content has topic and
// space names that other tests of this package create too.
func TestSeedCreatesDemoContentOnce(t *testing.T) {
	db, err := postgres.NewTestDatabase(context.Background(), "seed")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	env := testEnv(t, map[string]string{"FACHNETZ_DATABASE_URL": db.URL})
	var out bytes.Buffer
	if code := run(context.Background(), []string{"seed"}, env, nil, &out, &out); code != 0 {
		t.Fatalf("first seed: %d\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "demo content created") || !strings.Contains(out.String(), "anna.schmidt@lfd.example") {
		t.Fatalf("first seed said: %s", out.String())
	}
	var pages, spaces int
	db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM pages p JOIN spaces s ON s.id = p.space_id WHERE s.slug IN ('lfd', 'netzwerk-vergabe', 'projekt-e-akte')`).Scan(&pages)
	db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM spaces WHERE slug IN ('lfd', 'musterstadt', 'netzwerk-vergabe', 'projekt-e-akte')`).Scan(&spaces)
	if pages != len(demoPages) || spaces != 4 {
		t.Fatalf("seeded %d pages and %d spaces", pages, spaces)
	}
	// The organisation chart shows a head for every unit that has people:
	// the seed gives them managers as the directory import would.
	for _, agency := range []string{"lfd", "musterstadt"} {
		var id int64
		db.Pool.QueryRow(context.Background(), `SELECT id FROM agencies WHERE slug = $1`, agency).Scan(&id)
		units, err := expertise.NewStore(db.Pool).OrgChart(context.Background(), id)
		if err != nil || len(units) != len(demoUnits[agency]) {
			t.Fatalf("%s: %d units, %v", agency, len(units), err)
		}
		for _, u := range units {
			if want := u.Members > 0; want != (len(u.Heads) == 1) {
				t.Errorf("%s: unit %s with %d people has the heads %v", agency, u.Name, u.Members, u.Heads)
			}
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"seed"}, env, nil, &out, &out); code != 0 || !strings.Contains(out.String(), "already there") {
		t.Fatalf("second seed: %d %s", code, out.String())
	}
	db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM pages p JOIN spaces s ON s.id = p.space_id WHERE s.slug IN ('lfd', 'netzwerk-vergabe', 'projekt-e-akte')`).Scan(&pages)
	if pages != len(demoPages) {
		t.Fatalf("second seed changed the pages: %d", pages)
	}
}
