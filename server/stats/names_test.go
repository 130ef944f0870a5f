package stats

import (
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestQueriesNamingPeopleAreRecognised(t *testing.T) {
	n := newNames([]string{"Hans Müller-Lüdenscheidt", "hmueller", "Li Wei", "Gundula von der Weiß", "Dr. Anna O'Neill", "a.b"})
	for q, named := range map[string]bool{
		"Mueller":                       true, // ü typed as ue
		"muller urlaub":                 true, // ü typed as u
		"müller-lüdenscheidt":           true,
		"muellerluedenscheidt":          true,
		"luedenscheidt":                 true,  // part of a hyphenated name
		"li":                            true,  // a short name
		"weiss":                         true,  // ß as ss
		"oneill":                        true,  // written as one word
		"neill":                         true,  // after an apostrophe
		"hmüller":                       true,  // a handle
		"von der leyen":                 false, // particles name nobody
		"dr titel":                      false,
		"a b":                           false, // initials are no names
		"heizkostenzuschuss beantragen": false,
	} {
		if got := n.named(q); got != named {
			t.Errorf("%q: named %v, want %v", q, got, named)
		}
	}
}

// End to end: a query with a part of a person's name never shows among
// the searches, however it is spelled.
func TestSearchesNamingPeopleAreDropped(t *testing.T) {
	day := time.Date(2026, 9, 30, 10, 0, 0, 0, time.UTC)
	s, now := clock(t, day)
	w := newWorld(t)
	exec(t, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, 'Karl-Heinz Müller-Lüdenscheidt', $3), ($1, $4, 'Li Na', $5)`,
		w.agency, "mu"+w.tag+"@example.org", "mu"+w.tag, "li"+w.tag+"@example.org", "li"+w.tag)
	for _, id := range colleagues(t, w)[:6] {
		for _, q := range []string{"Mueller Abordnung", "lüdenscheidt", "Li", "Abordnung"} {
			s.Record(ctx, Event{AccountID: id, AgencyID: w.agency, Kind: Search, Item: NormalizeQuery(q)})
		}
	}
	*now = day.AddDate(0, 0, 1)
	if err := s.Aggregate(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Searches(ctx, Scope(w.agency), Search, 10)
	if err != nil || titles(got) != "abordnung 5–10" {
		t.Fatalf("searches: %q %v", titles(got), err)
	}
	// Not even stored: the weekly figures outlive the day by 13 months.
	var stored []string
	rows, err := db.Pool.Query(ctx, `SELECT item FROM stats_weekly WHERE scope = $1 AND kind = $2 ORDER BY item`, Scope(w.agency), Search)
	if err == nil {
		stored, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil || strings.Join(stored, ",") != "abordnung" {
		t.Fatalf("stored queries: %q %v", stored, err)
	}
}
