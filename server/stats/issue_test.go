package stats

import (
	"crypto/hmac"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// smallAgency adds an agency of n people and returns them.
func smallAgency(t *testing.T, tag string, n int) (int64, []int64) {
	t.Helper()
	var agency int64
	if err := db.Pool.QueryRow(ctx, `INSERT INTO agencies (slug, name) VALUES ($1, 'Kleines Amt') RETURNING id`, "klein-"+tag).Scan(&agency); err != nil {
		t.Fatal(err)
	}
	var people []int64
	for i := range n {
		var id int64
		if err := db.Pool.QueryRow(ctx, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, 'Extern', $3) RETURNING id`,
			agency, fmt.Sprintf("x%d-%s@klein.example", i, tag), fmt.Sprintf("x%d-%s", i, tag)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		people = append(people, id)
	}
	return agency, people
}

func colleagues(t *testing.T, w world) []int64 {
	t.Helper()
	rows, err := db.Pool.Query(ctx, `SELECT id FROM accounts WHERE agency_id = $1 ORDER BY id`, w.agency)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		out = append(out, id)
	}
	return out
}

// The attack: an organisation space with one external member;
// four colleagues and the external member read a page. The space page
// said "5–10", the home page (agency scope) nothing: the external member
// read it. Now the page has one figure, the same wherever it shows.
func TestExternalMemberCannotBeSubtracted(t *testing.T) {
	day := time.Date(2026, 9, 2, 10, 0, 0, 0, time.UTC)
	s, now := clock(t, day)
	w := newWorld(t)
	other, externals := smallAgency(t, w.tag, 6)
	exec(t, `INSERT INTO space_members (space_id, account_id, role) VALUES ($1, $2, 'member')`, w.open, externals[0])
	for _, id := range colleagues(t, w)[:4] {
		w.view(s, id, w.openPage, w.open)
	}
	s.Record(ctx, Event{AccountID: externals[0], AgencyID: other, Kind: Page, Item: fmt.Sprint(w.openPage), SpaceID: w.open})
	// The small second agency searches; the own agency a little.
	for i, id := range append(colleagues(t, w)[:4], externals...) {
		agency := w.agency
		if i >= 4 {
			agency = other
		}
		s.Record(ctx, Event{AccountID: id, AgencyID: agency, Kind: Search, Item: "dienstreise ausland"})
	}
	*now = day.AddDate(0, 0, 1)
	if err := s.Aggregate(ctx); err != nil {
		t.Fatal(err)
	}
	readable := []int64{w.open}
	space, _ := s.InSpace(ctx, w.open, Page, readable, 10)
	home, _ := s.Trending(ctx, Scope(w.agency), Page, readable, 10)
	instance, _ := s.Trending(ctx, Scope(0), Page, readable, 10)
	if titles(space) != "Offene Seite 5–10" || titles(home) != titles(space) || titles(instance) != titles(space) {
		t.Fatalf("space %q, home %q, instance %q: figures that differ can be subtracted", titles(space), titles(home), titles(instance))
	}
	for _, scope := range []string{Scope(0), Scope(w.agency), Scope(other)} {
		if got, _ := s.Searches(ctx, scope, Search, 10); len(got) != 0 {
			t.Fatalf("%s: searches %s (instance minus own agency isolates the small agency)", scope, titles(got))
		}
	}
	if n := count(t, `SELECT count(*) FROM stats_weekly WHERE item = $1 AND scope <> $2`, fmt.Sprint(w.openPage), SpaceScope(w.open)); n != 0 {
		t.Fatalf("the page counts in %d scopes besides its space's", n)
	}
}

// An agency of six has no figures: five of six would be nearly everyone.
func TestSmallAgencyHasNoFigures(t *testing.T) {
	day := time.Date(2026, 9, 9, 10, 0, 0, 0, time.UTC)
	s, now := clock(t, day)
	w := newWorld(t)
	agency, people := smallAgency(t, w.tag, 6)
	for _, id := range people {
		s.Record(ctx, Event{AccountID: id, AgencyID: agency, Kind: SearchEmpty, Item: "reisekosten"})
		s.Record(ctx, Event{AccountID: id, AgencyID: agency, Kind: Topic, Item: "1"})
	}
	*now = day.AddDate(0, 0, 1)
	if err := s.Aggregate(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, `SELECT count(*) FROM stats_weekly WHERE scope = $1`, AgencyScope(agency)); n != 0 {
		t.Fatalf("an agency of six has %d figures", n)
	}
	if got, _ := s.Searches(ctx, AgencyScope(agency), SearchEmpty, 10); len(got) != 0 {
		t.Fatalf("content gaps of an agency of six: %s", titles(got))
	}
}

// Overdue pages read by fewer than k people are ordered by due date, not
// by how many read them: the order would tell what the band hides.
func TestOverdueNeverOrderedByCountsBelowK(t *testing.T) {
	day := time.Date(2026, 9, 16, 10, 0, 0, 0, time.UTC)
	s, now := clock(t, day)
	w := newWorld(t)
	var later, popular int64
	db.Pool.QueryRow(ctx, `INSERT INTO pages (space_id, slug, title, body, review_due) VALUES ($1, 'spaet', 'Spät fällig', '', '2026-08-20') RETURNING id`, w.open).Scan(&later)
	db.Pool.QueryRow(ctx, `INSERT INTO pages (space_id, slug, title, body, review_due) VALUES ($1, 'beliebt', 'Beliebt', '', '2026-08-25') RETURNING id`, w.open).Scan(&popular)
	exec(t, `UPDATE pages SET review_due = '2026-08-10' WHERE id = $1`, w.openPage)
	people := colleagues(t, w)
	for _, id := range people[:3] { // three: below k
		w.view(s, id, later, w.open)
	}
	for _, id := range people[:6] {
		w.view(s, id, popular, w.open)
	}
	*now = day.AddDate(0, 0, 1)
	if err := s.Aggregate(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.OverdueByDemand(ctx, []int64{w.open}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if titles(got) != "Beliebt 5–10; Offene Seite ; Spät fällig " {
		t.Fatalf("overdue: %q", titles(got))
	}
}

// A copy of the database alone cannot recompute a pseudonym: the day key
// is stored only sealed under the instance key in the data directory; two
// servers sharing the directory count a person once; after aggregation
// not even the instance key recomputes the day's pseudonyms.
func TestDatabaseCopyCannotRecomputePseudonyms(t *testing.T) {
	day := time.Date(2026, 9, 23, 10, 0, 0, 0, time.UTC)
	s, now := clock(t, day)
	w := newWorld(t)
	second, _ := clock(t, day)
	second.keys = &keyring{dir: s.keys.dir} // a second server of the instance
	person := colleagues(t, w)[0]
	w.view(s, person, w.openPage, w.open)
	w.view(second, person, w.openPage, w.open)
	if n := count(t, `SELECT count(*) FROM stats_raw WHERE day = $1 AND item = $2`, day.Format(time.DateOnly), fmt.Sprint(w.openPage)); n != 1 {
		t.Fatalf("two servers count one person %d times", n)
	}
	info, err := os.Stat(filepath.Join(s.keys.dir, KeyFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("instance key file: %v %v", info, err)
	}
	var stored []byte
	db.Pool.QueryRow(ctx, `SELECT pseudonym FROM stats_raw WHERE day = $1 AND item = $2`, day.Format(time.DateOnly), fmt.Sprint(w.openPage)).Scan(&stored)
	// With the instance key the day's pseudonym is recomputed (counting
	// needs that); PostgreSQL holds the day key nowhere in the clear.
	key, err := s.dayKey(ctx, day.Format(time.DateOnly))
	if err != nil || !hmac.Equal(pseudonym(key, Page, fmt.Sprint(w.openPage), person), stored) {
		t.Fatalf("the day key does not recompute the pseudonym: %v", err)
	}
	var hexHeld string
	db.Pool.QueryRow(ctx, `SELECT string_agg(encode(t.nonce || t.sealed, 'hex'), '') FROM stats_secrets t`).Scan(&hexHeld)
	if len(hexHeld) == 0 || strings.Contains(hexHeld, hex.EncodeToString(key)) {
		t.Fatal("the day key is stored in the clear")
	}
	*now = day.AddDate(0, 0, 1)
	if err := s.Aggregate(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, `SELECT count(*) FROM stats_secrets WHERE day = $1`, day.Format(time.DateOnly)); n != 0 {
		t.Fatal("the sealed day key survived aggregation")
	}
	// A server with another instance key cannot use the day key: it
	// records nothing rather than a second pseudonym for the same person.
	third, _ := clock(t, *now)
	w.view(s, person, w.openPage, w.open)
	w.view(third, person, w.openPage, w.open)
	if n := count(t, `SELECT count(*) FROM stats_raw WHERE day = $1 AND item = $2`, now.Format(time.DateOnly), fmt.Sprint(w.openPage)); n != 1 {
		t.Fatalf("a server with another instance key recorded: %d rows", n)
	}
}

// A day that fails to aggregate holds up neither the other days nor the
// cleanup: raw rows never outlive 48 hours.
func TestFailingDayDoesNotStallCleanup(t *testing.T) {
	day := time.Date(2026, 8, 3, 10, 0, 0, 0, time.UTC)
	s, now := clock(t, day)
	w := newWorld(t)
	broken := "kaputt-" + w.tag
	exec(t, `CREATE FUNCTION stats_fail_`+w.tag+`() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'broken day'; END $$`)
	exec(t, `CREATE TRIGGER stats_fail_`+w.tag+` BEFORE INSERT ON stats_weekly FOR EACH ROW WHEN (NEW.item = '`+broken+`') EXECUTE FUNCTION stats_fail_`+w.tag+`()`)
	t.Cleanup(func() {
		exec(t, `DROP TRIGGER stats_fail_`+w.tag+` ON stats_weekly`)
		exec(t, `DROP FUNCTION stats_fail_`+w.tag+`()`)
	})
	people := colleagues(t, w)
	s.Record(ctx, Event{AccountID: people[0], AgencyID: w.agency, Kind: Search, Item: broken}) // day 1 fails
	for d := 1; d <= 3; d++ {
		*now = day.AddDate(0, 0, d)
		for _, id := range people[:5] {
			w.view(s, id, w.openPage, w.open)
		}
	}
	*now = day.AddDate(0, 0, 4)
	if err := s.Aggregate(ctx); err == nil {
		t.Fatal("a failing day reported no error")
	}
	if n := count(t, `SELECT count(*) FROM stats_raw WHERE day <= $1::date - 2`, now.Format(time.DateOnly)); n != 0 {
		t.Fatalf("%d raw rows older than 48 hours", n)
	}
	if n := count(t, `SELECT count(*) FROM stats_days WHERE day BETWEEN $1::date + 1 AND $1::date + 3`, day.Format(time.DateOnly)); n != 3 {
		t.Fatalf("%d of the 3 later days aggregated", n)
	}
}
