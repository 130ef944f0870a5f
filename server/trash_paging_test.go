package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// An entry behind hundreds of newer ones is still purged and restored
// through the web pages, and the list pages through the trash.
func TestTrashBeyondTheFirstPage(t *testing.T) {
	agency := makeAgency(t)
	owner := makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	base := startServer(t)
	for _, slug := range []string{"alt-eins", "alt-zwei"} {
		putPage(t, base, owner.Token, sp.Slug, slug, "Alt.", 0)
		if status, _ := api(t, http.MethodDelete, base+"/api/v1/spaces/"+sp.Slug+"/pages/"+slug, owner.Token, ""); status != http.StatusNoContent {
			t.Fatalf("delete %s: %d", slug, status)
		}
	}
	first := trashItemID(t, base, owner.Token, sp.Slug, "alt eins")
	second := trashItemID(t, base, owner.Token, sp.Slug, "alt zwei")
	if _, err := testDB.Pool.Exec(t.Context(), `INSERT INTO trash (space_id, kind, item_id, label, place, snapshot, files)
		SELECT $1, 'comment', g, 'Kommentar ' || g, '', '{}', '{}' FROM generate_series(1, 600) g`, sp.ID); err != nil {
		t.Fatal(err)
	}

	o := newBrowser(t, base)
	o.signIn(owner.Email, owner.Password)
	trashPage := "/bereiche/" + sp.Slug + "/papierkorb"
	purge := fmt.Sprintf("%s/%d/entfernen", trashPage, first)
	if resp, _ := o.get(purge); resp.StatusCode != http.StatusOK {
		t.Fatalf("purge form of an old entry: %d", resp.StatusCode)
	}
	if resp, _ := o.post(purge, purge, url.Values{"reason": {"other"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("purge an old entry: %d", resp.StatusCode)
	}
	o.get(trashPage)
	if resp, _ := o.post(trashPage, fmt.Sprintf("%s/%d/wiederherstellen", trashPage, second), url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("restore an old entry: %d", resp.StatusCode)
	}
	if status, _ := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/pages/alt-zwei", owner.Token, ""); status != http.StatusOK {
		t.Errorf("restored page: %d", status)
	}

	// Paging: the API by ?limit=&cursor=, the page by a link to older entries.
	seen := map[float64]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		status, out := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/trash?limit=250&cursor="+cursor, owner.Token, "")
		if status != http.StatusOK || pages > 5 {
			t.Fatalf("trash page %d: %d", pages, status)
		}
		for _, it := range out["items"].([]any) {
			seen[it.(map[string]any)["id"].(float64)] = true
		}
		if cursor, _ = out["next_cursor"].(string); cursor == "" {
			break
		}
	}
	if len(seen) != 600 {
		t.Errorf("the API pages showed %d entries, want 600", len(seen))
	}
	_, body := o.get(trashPage)
	at := strings.Index(body, trashPage+"?cursor=")
	if at < 0 {
		t.Fatal("the trash page links no older entries")
	}
	next := body[at : at+strings.IndexByte(body[at:], '"')]
	if _, older := o.get(next); !strings.Contains(older, "Kommentar 500<") || strings.Contains(older, "Kommentar 501<") {
		t.Error("the older page does not continue the list")
	}
}
