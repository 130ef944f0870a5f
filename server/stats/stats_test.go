package stats

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/server/postgres"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "stats", &db)) }

// clock is a Stats whose "now" the test moves.
func clock(t *testing.T, at time.Time) (*Stats, *time.Time) {
	t.Helper()
	now := at
	s := New(db.Pool, slog.New(slog.NewTextHandler(io.Discard, nil)), 5, t.TempDir())
	s.now = func() time.Time { return now }
	return s, &now
}

var ctx = context.Background()

func exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := db.Pool.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// world makes an agency, two spaces (one private) and a page in each.
type world struct {
	agency, open, private, openPage, privatePage int64
	tag                                          string
}

func newWorld(t *testing.T) world {
	t.Helper()
	var w world
	w.tag = fmt.Sprint(time.Now().UnixNano())
	db.Pool.QueryRow(ctx, `INSERT INTO agencies (slug, name) VALUES ($1, 'Amt') RETURNING id`, "amt-"+w.tag).Scan(&w.agency)
	db.Pool.QueryRow(ctx, `INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Offen', $2, 'organisation') RETURNING id`, "offen-"+w.tag, w.agency).Scan(&w.open)
	db.Pool.QueryRow(ctx, `INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Geheim', $2, 'private') RETURNING id`, "geheim-"+w.tag, w.agency).Scan(&w.private)
	db.Pool.QueryRow(ctx, `INSERT INTO pages (space_id, slug, title, body) VALUES ($1, 'offen', 'Offene Seite', '') RETURNING id`, w.open).Scan(&w.openPage)
	db.Pool.QueryRow(ctx, `INSERT INTO pages (space_id, slug, title, body) VALUES ($1, 'geheim', 'Geheime Seite', '') RETURNING id`, w.private).Scan(&w.privatePage)
	// Ten colleagues: the organisation space is read by enough people
	// for figures.
	for i := range 10 {
		w.account(t, fmt.Sprintf("k%d", i))
	}
	return w
}

// account adds a person to the world's agency.
func (w world) account(t *testing.T, name string) int64 {
	t.Helper()
	var id int64
	if err := db.Pool.QueryRow(ctx, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, 'Kollegin', $3) RETURNING id`,
		w.agency, fmt.Sprintf("%s-%s@amt.example", name, w.tag), fmt.Sprintf("%s-%s", name, w.tag)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// members makes n new people members of a space.
func (w world) members(t *testing.T, space int64, n int) {
	t.Helper()
	for i := range n {
		exec(t, `INSERT INTO space_members (space_id, account_id, role) VALUES ($1, $2, 'member')`, space, w.account(t, fmt.Sprintf("m%d-%d", space, i)))
	}
}

func (w world) view(s *Stats, person int64, page, space int64) {
	s.Record(ctx, Event{AccountID: person, AgencyID: w.agency, Kind: Page, Item: fmt.Sprint(page), SpaceID: space})
}

func titles(list []Figure) string {
	var out []string
	for _, f := range list {
		out = append(out, f.Title+" "+f.Band)
	}
	return strings.Join(out, "; ")
}

func TestKAnonymityAndOncePerDay(t *testing.T) {
	day := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC) // a Wednesday
	s, now := clock(t, day)
	w := newWorld(t)
	w.members(t, w.private, 10) // enough readers for figures
	for person := int64(1); person <= 4; person++ {
		w.view(s, 9000+person, w.openPage, w.open)
	}
	for range 100 { // one person, a hundred times: counts once
		w.view(s, 9001, w.privatePage, w.private)
	}
	*now = day.AddDate(0, 0, 1)
	if err := s.Aggregate(ctx); err != nil {
		t.Fatal(err)
	}
	scope := Scope(w.agency)
	if got, _ := s.Trending(ctx, scope, Page, []int64{w.open, w.private}, 10); len(got) != 0 {
		t.Fatalf("4 people: shown %s", titles(got))
	}
	if n := count(t, `SELECT people FROM stats_weekly WHERE scope = $1 AND item = $2`, SpaceScope(w.private), fmt.Sprint(w.privatePage)); n != 1 {
		t.Fatalf("one person viewing 100 times counts %d", n)
	}

	// Five people on one day make a figure. (Days have different
	// pseudonyms, so four on Wednesday and one more on Thursday would not:
	// the week counts the largest day, never more people than there were.)
	for person := int64(1); person <= 5; person++ {
		w.view(s, 9000+person, w.openPage, w.open)
	}
	*now = day.AddDate(0, 0, 2)
	if err := s.Aggregate(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Trending(ctx, scope, Page, []int64{w.open, w.private}, 10)
	if err != nil || titles(got) != "Offene Seite 5–10" {
		t.Fatalf("5 people: %q %v", titles(got), err)
	}
	// A non-member of the private space never sees its page, whatever the
	// figure: give it five people too.
	for person := int64(1); person <= 6; person++ {
		w.view(s, 9100+person, w.privatePage, w.private)
	}
	*now = day.AddDate(0, 0, 3)
	s.Aggregate(ctx)
	if got, _ := s.Trending(ctx, scope, Page, []int64{w.open}, 10); strings.Contains(titles(got), "Geheime") {
		t.Fatalf("a non-member sees %s", titles(got))
	}
	if got, _ := s.Trending(ctx, scope, Page, []int64{w.open, w.private}, 10); !strings.Contains(titles(got), "Geheime Seite 5–10") {
		t.Fatalf("a member does not see the private page: %s", titles(got))
	}
}

func TestAggregationForgetsWhoAndCleanupEnforces48Hours(t *testing.T) {
	day := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	s, now := clock(t, day)
	w := newWorld(t)
	w.view(s, 42, w.openPage, w.open)
	if count(t, `SELECT count(*) FROM stats_raw WHERE day = $1`, day.Format(time.DateOnly)) != 1 {
		t.Fatal("not recorded")
	}
	*now = day.AddDate(0, 0, 1)
	if err := s.Aggregate(ctx); err != nil {
		t.Fatal(err)
	}
	// Nothing links a person or a pseudonym to an item any more: no raw
	// row, no secret of that day; the weekly table has no person column.
	if n := count(t, `SELECT count(*) FROM stats_raw WHERE day = $1`, day.Format(time.DateOnly)); n != 0 {
		t.Fatalf("%d raw rows after aggregation", n)
	}
	if n := count(t, `SELECT count(*) FROM stats_secrets WHERE day = $1`, day.Format(time.DateOnly)); n != 0 {
		t.Fatal("the day's secret survived aggregation")
	}
	if n := count(t, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'stats_weekly'
		AND column_name IN ('pseudonym', 'account_id', 'agency_id')`); n != 0 {
		t.Fatal("the weekly figures have a column that could point at people")
	}

	// A raw row older than 48 hours is gone after the cleanup, even when
	// aggregation never ran for its day.
	old := day.AddDate(0, 0, -3).Format(time.DateOnly)
	exec(t, `INSERT INTO stats_raw (day, kind, item, scope, pseudonym) VALUES ($1, 'page', 'x', $2, '\x01')`, old, AgencyScope(w.agency))
	exec(t, `INSERT INTO stats_secrets (day, nonce, sealed) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, old, make([]byte, 12), make([]byte, 48))
	if err := s.store.cleanup(ctx, now.AddDate(0, 0, -2).Format(time.DateOnly), now.Format(time.DateOnly)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, `SELECT count(*) FROM stats_raw WHERE day <= $1::date - 2`, now.Format(time.DateOnly)); n != 0 {
		t.Fatalf("%d raw rows older than 48 hours", n)
	}
}

func TestContentGapsNeverNameAPerson(t *testing.T) {
	day := time.Date(2026, 11, 4, 9, 0, 0, 0, time.UTC)
	s, now := clock(t, day)
	w := newWorld(t)
	exec(t, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, 'Gundula Wunderlich', $3)`, w.agency, "gw"+w.tag+"@example.org", "gw"+w.tag)
	for person := int64(1); person <= 6; person++ {
		for _, q := range []string{"Wunderlich", "Heizkostenzuschuss beantragen", "  heizkostenzuschuss   BEANTRAGEN? "} {
			s.Record(ctx, Event{AccountID: 7000 + person, AgencyID: w.agency, Kind: SearchEmpty, Item: NormalizeQuery(q)})
		}
	}
	*now = day.AddDate(0, 0, 1)
	if err := s.Aggregate(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Searches(ctx, Scope(w.agency), SearchEmpty, 10)
	if err != nil || titles(got) != "heizkostenzuschuss beantragen 5–10" {
		t.Fatalf("content gaps: %q %v", titles(got), err)
	}
	if New(nil, nil, 2, "").K() != MinK {
		t.Fatal("k below 5 was accepted")
	}
}

// A space has figures of its own only when at least 10 people may read
// it: in a group of nine, five readers are most of the group.
func TestSpaceScopeNeedsTenReaders(t *testing.T) {
	day := time.Date(2026, 11, 4, 10, 0, 0, 0, time.UTC)
	s, now := clock(t, day)
	w := newWorld(t)
	member := func(i int) int64 {
		id := w.account(t, fmt.Sprintf("m%d", i))
		exec(t, `INSERT INTO space_members (space_id, account_id, role) VALUES ($1, $2, 'member')`, w.private, id)
		return id
	}
	var members []int64
	for i := range 9 {
		members = append(members, member(i))
	}
	for _, id := range members {
		w.view(s, id, w.privatePage, w.private)
	}
	*now = day.AddDate(0, 0, 1)
	if err := s.Aggregate(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, `SELECT count(*) FROM stats_weekly WHERE scope = $1`, SpaceScope(w.private)); n != 0 {
		t.Fatalf("a space of 9 readers has %d figures of its own", n)
	}
	if n := count(t, `SELECT count(*) FROM stats_weekly WHERE item = $1`, fmt.Sprint(w.privatePage)); n != 0 {
		t.Fatalf("a page of a space of 9 readers counts in %d scopes", n)
	}

	members = append(members, member(9))
	for _, id := range members[:5] {
		w.view(s, id, w.privatePage, w.private)
	}
	*now = day.AddDate(0, 0, 2)
	if err := s.Aggregate(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Trending(ctx, SpaceScope(w.private), Page, []int64{w.private}, 10)
	if err != nil || titles(got) != "Geheime Seite 5–10" {
		t.Fatalf("a space of 10 readers, 5 of them reading: %q %v", titles(got), err)
	}
	if got, _ := s.Trending(ctx, SpaceScope(w.private), Page, []int64{w.open}, 10); len(got) != 0 {
		t.Fatalf("a non-member sees the space's figures: %s", titles(got))
	}
}

// A page moved into a private space after it was read shows to nobody
// under its old space, and its old figure not under the new one.
func TestMovedPageShowsOnlyWhereItIsNow(t *testing.T) {
	day := time.Date(2026, 10, 14, 10, 0, 0, 0, time.UTC)
	s, now := clock(t, day)
	w := newWorld(t)
	for person := int64(1); person <= 5; person++ {
		w.view(s, 9300+person, w.openPage, w.open)
	}
	*now = day.AddDate(0, 0, 1)
	if err := s.Aggregate(ctx); err != nil {
		t.Fatal(err)
	}
	scope := Scope(w.agency)
	if got, _ := s.Trending(ctx, scope, Page, []int64{w.open}, 10); titles(got) != "Offene Seite 5–10" {
		t.Fatalf("before the move: %q", titles(got))
	}
	exec(t, `UPDATE pages SET space_id = $2 WHERE id = $1`, w.openPage, w.private)
	if got, _ := s.Trending(ctx, scope, Page, []int64{w.open}, 10); len(got) != 0 {
		t.Fatalf("a reader of the old space sees %s", titles(got))
	}
	// The figure counted the old space's readers: it is not the new
	// space's and shows nowhere.
	if got, _ := s.Trending(ctx, scope, Page, []int64{w.open, w.private}, 10); len(got) != 0 {
		t.Fatalf("a member of the new space sees %s", titles(got))
	}
}
