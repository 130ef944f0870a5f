package main

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// Watches of trashed items wait for a restore; once the items are purged,
// the watches go too, a page's subpages' included.
func TestPurgeDeletesWatches(t *testing.T) {
	agency := makeAgency(t)
	moderator, asker := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, moderator, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	q := ask(t, base, asker.Token, sp.Slug, "Wie lange gilt ein Dienstausweis?", "")
	putPage(t, base, moderator.Token, sp.Slug, "ausweise", "Ausweise.", 0)
	if status, _ := api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/pages/verlust", moderator.Token, `{"title":"Verlust","body":"Verlust.","parent":"ausweise"}`); status != http.StatusCreated {
		t.Fatalf("subpage: %d", status)
	}
	var pageIDs []int64
	testDB.Pool.QueryRow(t.Context(), `SELECT array_agg(id) FROM pages WHERE space_id = $1`, sp.ID).Scan(&pageIDs)
	if _, err := testDB.Pool.Exec(t.Context(), `INSERT INTO watches (account_id, kind, item_id) SELECT $1::bigint, 'page', unnest($2::bigint[])
		UNION ALL SELECT $1::bigint, 'question', $3::bigint ON CONFLICT DO NOTHING`, asker.ID, pageIDs, q["id"]); err != nil {
		t.Fatal(err)
	}
	watches := func() int {
		var n int
		testDB.Pool.QueryRow(t.Context(), `SELECT count(*) FROM watches WHERE kind = 'page' AND item_id = ANY($1) OR kind = 'question' AND item_id = $2`,
			pageIDs, q["id"]).Scan(&n)
		return n
	}
	// The asker's three, and the moderator's of the two pages they wrote.
	if n := watches(); n != 5 {
		t.Fatalf("watches before: %d", n)
	}
	if status, _ := api(t, http.MethodDelete, base+"/api/v1/questions/"+id(q), moderator.Token, ""); status != http.StatusNoContent {
		t.Fatalf("delete question: %d", status)
	}
	if status, _ := api(t, http.MethodDelete, base+"/api/v1/spaces/"+sp.Slug+"/pages/ausweise", moderator.Token, ""); status != http.StatusNoContent {
		t.Fatalf("delete page: %d", status)
	}
	if n := watches(); n != 5 {
		t.Errorf("watches of trashed items: %d, want 5 kept for a restore", n)
	}
	for _, label := range []string{"Wie lange gilt ein Dienstausweis?", "ausweise"} {
		entry := trashItemID(t, base, moderator.Token, sp.Slug, label)
		if status, out := api(t, http.MethodDelete, fmt.Sprintf("%s/api/v1/spaces/%s/trash/%d?reason=other", base, sp.Slug, entry), moderator.Token, ""); status != http.StatusNoContent {
			t.Fatalf("purge %s: %d %v", label, status, out)
		}
	}
	if n := watches(); n != 0 {
		t.Errorf("watches of purged items: %d", n)
	}
}
