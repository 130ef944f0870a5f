package ldapimport

import (
	"context"
	"testing"

	"github.com/fachnetz/fachnetz/expertise"
)

// TestImportGivesUnitsTheirHeads: after an import of a directory where each
// unit's first person leads it (reporting to the head of the unit above),
// the organisation chart names exactly that person for every unit.
//
// Not parallel: it imports the same names as TestImport, whose count of
// the search outbox would see these people too, and handles are unique
// across agencies.
func TestImportGivesUnitsTheirHeads(t *testing.T) {
	ctx := context.Background()
	tr := newTree(t)
	o := buildOrg(tr)
	agency := newAgency(t, "ldap-org-chart")
	if _, err := Run(ctx, db.Pool, tr.config(agency)); err != nil {
		t.Fatal(err)
	}
	units, err := expertise.NewStore(db.Pool).OrgChart(ctx, agency)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*expertise.ChartUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	for short, dn := range o.units {
		u := byID[unitID(t, dn)]
		var handle string
		if err := db.Pool.QueryRow(ctx, `SELECT a.handle::text FROM accounts a JOIN profiles p ON p.account_id = a.id WHERE p.ldap_dn = $1`,
			canon(t, o.people[short][0])).Scan(&handle); err != nil {
			t.Fatal(err)
		}
		if u == nil || len(u.Heads) != 1 || u.Heads[0].Handle != handle || u.Members != len(o.people[short]) {
			t.Errorf("unit %s: %+v, want the head %s and %d people", short, u, handle, len(o.people[short]))
		}
	}
}
