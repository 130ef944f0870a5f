package expertise

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/server/web"
)

// TestOrgChart builds a small office as the directory import leaves it
// (a DN and a manager per person) and checks the heads the chart derives,
// the counts, the people link and what it leaves out.
func TestOrgChart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, Deps{})
	r := f.engine()
	amt := f.unit("Amt", nil)
	abt := f.unit("Abteilung A", &amt)
	a1 := f.unit("Referat A1", &abt)
	a2 := f.unit("Referat A2", &abt)
	stab := f.unit("Stabsstelle", &amt)

	dn := func(v *web.Viewer) string { return "uid=" + v.Handle + ",o=test" }
	// in puts a person into a unit with their manager (nil: none).
	in := func(name string, unit int64, manager *web.Viewer) *web.Viewer {
		v := f.person(f.agency, name)
		var m *string
		if manager != nil {
			s := dn(manager)
			m = &s
		}
		f.exec(`UPDATE profiles SET org_unit_id = $2, ldap_dn = $3, manager_dn = $4 WHERE account_id = $1`, v.ID, unit, dn(v), m)
		return v
	}
	chef := in("Chefin", amt, nil)
	vorzimmer := in("Vorzimmer", amt, chef)
	alma := in("Alma Abteilungsleitung", abt, chef)
	dora := in("Dora Vertretung", abt, alma) // reports inside the unit: a deputy
	rita := in("Rita Referatsleitung", a1, alma)
	tom := in("Tom Teamleitung", a1, rita) // has reports, but his manager is in the unit
	tina := in("Tina", a1, tom)
	sam := in("Sam Versteckt", a1, rita) // hidden, still makes Rita the head
	lothar := in("Lothar Gegangen", a1, rita)
	hugo := in("Hugo Verborgen", a2, alma) // the head of A2, hidden
	paula := in("Paula", a2, hugo)
	stefan := in("Stefan Stab", stab, chef) // nobody reports to him
	f.exec(`UPDATE profiles SET hidden = true WHERE account_id = ANY($1)`, []int64{sam.ID, hugo.ID})
	f.exec(`UPDATE profiles SET left_at = now() WHERE account_id = $1`, lothar.ID)
	// Someone of another agency in the unit counts for nothing here.
	other := f.person(f.newAgency(), "Fremd")
	f.exec(`UPDATE profiles SET org_unit_id = $2 WHERE account_id = $1`, other.ID, a1)

	roots, err := f.e.chart(ctx, f.agency)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*ChartUnit{}
	var walk func([]*ChartUnit)
	walk = func(list []*ChartUnit) {
		for _, u := range list {
			byID[u.ID] = u
			walk(u.Children)
		}
	}
	walk(roots)
	if len(roots) != 1 || roots[0].ID != amt || len(byID) != 5 {
		t.Fatalf("tree: %d roots, %d units", len(roots), len(byID))
	}
	heads := func(u *ChartUnit) string {
		var names []string
		for _, h := range u.Heads {
			names = append(names, h.DisplayName)
		}
		return strings.Join(names, ", ")
	}
	for _, want := range []struct {
		unit            int64
		heads           string
		members, people int
	}{
		{amt, chef.Name, 2, 9},
		{abt, alma.Name, 2, 6},
		{a1, rita.Name, 3, 3},
		{a2, "", 1, 1},
		{stab, "", 1, 1},
	} {
		u := byID[want.unit]
		if heads(u) != want.heads || u.Members != want.members || u.People != want.people {
			t.Errorf("%s: heads %q, %d members, %d people; want %q, %d, %d",
				u.Name, heads(u), u.Members, u.People, want.heads, want.members, want.people)
		}
	}
	if got := byID[abt].Heads; len(got) != 1 || got[0].Handle != alma.Handle {
		t.Errorf("head of Abteilung A: %+v", got)
	}

	// The page: a nested list (the tree roles come from the script), each
	// head linked to the profile, each unit's people one link away.
	colleague := f.person(f.agency, "Kollege")
	w := do(r, colleague, "GET", "/organisation", nil)
	expect(t, w, http.StatusOK, `<ul class="org-chart__list"`, `href="/personen/`+rita.Handle+`"`, `href="/personen/`+chef.Handle+`"`,
		`href="/personen?einheit=`+strconv.FormatInt(abt, 10)+`" data-org-people><span id="unit-`+strconv.FormatInt(abt, 10)+`-people">6 Personen</span>`, "Stabsstelle", "js/orgchart")
	for _, s := range []string{hugo.Name, sam.Name, lothar.Name, other.Name, `role="tree`} {
		lacks(t, w, s)
	}
	// The link lists as many people as the box says.
	w = do(r, colleague, "GET", "/personen?einheit="+strconv.FormatInt(abt, 10), nil)
	expect(t, w, http.StatusOK, alma.Name, dora.Name, rita.Name, tom.Name, tina.Name, paula.Name)
	for _, s := range []string{chef.Name, vorzimmer.Name, stefan.Name, hugo.Name, sam.Name, lothar.Name} {
		lacks(t, w, s)
	}
	// An admin of another agency follows the link of this agency's chart
	// to the same people; anyone else of another agency finds nobody.
	admin := f.person(f.newAgency(), "Admin")
	admin.Admin = true
	expect(t, do(r, admin, "GET", "/organisation?behoerde="+agencySlug(t, f.agency), nil), http.StatusOK, rita.Name)
	expect(t, do(r, admin, "GET", "/personen?einheit="+strconv.FormatInt(a1, 10), nil), http.StatusOK, rita.Name)
	lacks(t, do(r, other, "GET", "/personen?einheit="+strconv.FormatInt(a1, 10), nil), rita.Name)
}

func agencySlug(t *testing.T, agency int64) string {
	t.Helper()
	var slug string
	if err := db.Pool.QueryRow(context.Background(), `SELECT slug::text FROM agencies WHERE id = $1`, agency).Scan(&slug); err != nil {
		t.Fatal(err)
	}
	return slug
}
