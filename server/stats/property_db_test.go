package stats

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// parseBand reads a released band back: "5–10", "10+" or "" (nothing).
func parseBand(t *testing.T, s string) (lo, hi int) {
	t.Helper()
	if s == "" {
		return 0, 0
	}
	if strings.HasSuffix(s, "+") {
		fmt.Sscanf(s, "%d+", &lo)
		return lo, -1
	}
	if _, err := fmt.Sscanf(s, "%d–%d", &lo, &hi); err != nil {
		t.Fatalf("band %q: %v", s, err)
	}
	return lo, hi
}

// The property end to end: a random world in PostgreSQL, its reads and
// searches recorded and aggregated day by day as in production, every
// figure read back through every view (home page of each agency, the
// instance, each space's page, searches and content gaps of every scope),
// then the adversary on what was shown.
func TestReleasedFiguresNeverSingleOutFewerThanKInPostgreSQL(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { endToEnd(t, seed) })
	}
}

func endToEnd(t *testing.T, seed uint64) {
	start := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC).AddDate(0, 0, 14*int(seed)) // a Monday
	s, now := clock(t, start)
	r := rand.New(rand.NewPCG(seed, 19))
	sim := randomWorld(r)
	acts := randomActs(r, sim, 10)
	tag := fmt.Sprint(time.Now().UnixNano())

	agencies := map[int]int64{}
	for a := range sim.agencies {
		var id int64
		db.Pool.QueryRow(ctx, `INSERT INTO agencies (slug, name) VALUES ($1, 'Amt') RETURNING id`, fmt.Sprintf("a%d-%s", a, tag)).Scan(&id)
		agencies[a] = id
	}
	accounts := map[int]int64{}
	for _, p := range sim.people {
		var id int64
		if err := db.Pool.QueryRow(ctx, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, 'Person', $3) RETURNING id`,
			agencies[p.agency], fmt.Sprintf("p%d-%s@example.org", p.id, tag), fmt.Sprintf("p%d-%s", p.id, tag)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		accounts[p.id] = id
	}
	spaces, pages := map[int]int64{}, map[string]int64{}
	var all []int64
	for _, sp := range sim.spaces {
		visibility := "private"
		if sp.id == 1 { // the organisation space of agency 1
			visibility = "organisation"
		}
		var id int64
		db.Pool.QueryRow(ctx, `INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Bereich', $2, $3) RETURNING id`,
			fmt.Sprintf("s%d-%s", sp.id, tag), agencies[1], visibility).Scan(&id)
		spaces[sp.id], all = id, append(all, id)
		for p := range sp.readers {
			if visibility == "private" || sim.people[p].agency != 1 {
				exec(t, `INSERT INTO space_members (space_id, account_id, role) VALUES ($1, $2, 'member')`, id, accounts[p])
			}
		}
		for n := range 3 {
			item := fmt.Sprintf("p%d-%d", sp.id, n)
			var page int64
			if err := db.Pool.QueryRow(ctx, `INSERT INTO pages (space_id, slug, title, body) VALUES ($1, $2, $3, '') RETURNING id`, id, item, item).Scan(&page); err != nil {
				t.Fatal(err)
			}
			pages[item] = page
		}
	}

	for day := range 10 {
		*now = start.AddDate(0, 0, day)
		for _, a := range acts {
			if a.day != day {
				continue
			}
			ev := Event{AccountID: accounts[a.person], AgencyID: agencies[a.agency], Kind: a.kind, Item: a.item}
			if a.space != 0 {
				ev.Item, ev.SpaceID = fmt.Sprint(pages[a.item]), spaces[a.space]
			}
			s.Record(ctx, ev)
		}
		*now = start.AddDate(0, 0, day+1)
		if err := s.Aggregate(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// What every view shows, per week, kind and item: one band, the same
	// in every view, or a contradiction the adversary could use.
	k := s.K()
	facts := newRules(sim, acts, k)
	for week, asOf := range []int{7, 10} {
		*now = start.AddDate(0, 0, asOf)
		shown := map[[3]string]string{}
		// scope is "" for pages, which must show alike in every view, and
		// the agency (as the simulation names it) for searches.
		see := func(view, scope string, list []Figure, err error) {
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range list {
				key := [3]string{f.Kind, f.Title, scope}
				if b, ok := shown[key]; ok && b != f.Band {
					t.Fatalf("week %d: %s %s shows %s in %s and %s elsewhere", week, f.Kind, f.Title, f.Band, view, b)
				}
				shown[key] = f.Band
			}
		}
		for a, id := range agencies {
			got, err := s.Trending(ctx, Scope(id), Page, all, 1000)
			see(fmt.Sprint("home of agency ", a), "", got, err)
			for _, kind := range []string{Search, SearchEmpty} {
				got, err := s.Searches(ctx, Scope(id), kind, 1000)
				see(fmt.Sprint("searches of agency ", a), AgencyScope(int64(a)), got, err)
			}
		}
		got, err := s.Trending(ctx, Scope(0), Page, all, 1000)
		see("instance", "", got, err)
		for _, kind := range []string{Search, SearchEmpty} {
			if got, _ := s.Searches(ctx, Scope(0), kind, 1000); len(got) != 0 {
				t.Fatalf("the instance has searches of its own: %s", titles(got))
			}
		}
		for _, id := range all {
			got, err := s.InSpace(ctx, id, Page, all, 1000)
			see("space page", "", got, err)
		}
		// The adversary works on what was shown; the rule's slots say
		// which scope each figure counts and what a withheld one means.
		for i, f := range facts {
			if f.week != week {
				continue
			}
			scope := f.scope
			if f.kind == Page {
				scope = ""
			}
			band, ok := shown[[3]string{f.kind, f.item, scope}]
			lo, hi := parseBand(t, band)
			want := f.lo
			if !ok {
				lo, hi = 0, f.hi // withheld
			}
			if lo != want {
				t.Fatalf("week %d: %s %s in %s shown as %q, the rule releases from %d", week, f.kind, f.item, f.scope, band, want)
			}
			facts[i].lo, facts[i].hi = lo, hi
		}
	}
	if leak := adversary(facts, k); leak != "" {
		t.Fatal(leak)
	}
}
