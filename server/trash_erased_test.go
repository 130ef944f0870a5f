package main

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// A question whose voter erased their account while it lay in the trash
// comes back with the other votes; the erased person's vote stays away,
// as the account's deletion would have removed it.
func TestTrashRestoreAfterVoterErased(t *testing.T) {
	agency := makeAgency(t)
	moderator, asker := makePerson(t, agency, false), makePerson(t, agency, false)
	stays, leaves := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, moderator, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	q := ask(t, base, asker.Token, sp.Slug, "Wo beantrage ich Sonderurlaub?", "Für einen Umzug.")
	_, ans := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/answers", stays.Token, `{"body":"Beim Personalreferat."}`)
	for _, p := range []person{stays, leaves} {
		if status, out := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/vote", p.Token, `{"value":1}`); status != http.StatusOK {
			t.Fatalf("vote on the question: %d %v", status, out)
		}
	}
	if status, out := api(t, http.MethodPost, base+"/api/v1/answers/"+id(ans)+"/vote", leaves.Token, `{"value":1}`); status != http.StatusOK {
		t.Fatalf("vote on the answer: %d %v", status, out)
	}
	if status, _ := api(t, http.MethodDelete, base+"/api/v1/questions/"+id(q), moderator.Token, ""); status != http.StatusNoContent {
		t.Fatalf("delete question: %d", status)
	}

	b := newBrowser(t, base)
	b.signIn(leaves.Email, leaves.Password)
	b.get("/profil/loeschen")
	if resp, _ := b.post("/profil/loeschen", "/profil/loeschen", url.Values{"confirm": {"LÖSCHEN"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("erase account: %d", resp.StatusCode)
	}

	entry := trashItemID(t, base, moderator.Token, sp.Slug, "Wo beantrage ich Sonderurlaub?")
	if status, out := api(t, http.MethodPost, fmt.Sprintf("%s/api/v1/spaces/%s/trash/%d/restore", base, sp.Slug, entry), moderator.Token, ""); status != http.StatusOK {
		t.Fatalf("restore question: %d %v", status, out)
	}
	var votes, erased int
	testDB.Pool.QueryRow(t.Context(), `SELECT count(*) FILTER (WHERE account_id = $2), count(*) FILTER (WHERE account_id = $3)
		FROM votes WHERE post_type = 'question' AND post_id = $1 OR post_type = 'answer' AND post_id = $4`,
		q["id"], stays.ID, leaves.ID, ans["id"]).Scan(&votes, &erased)
	if votes != 1 || erased != 0 {
		t.Errorf("votes after restore: %d of the remaining voter, %d of the erased one", votes, erased)
	}
	if status, got := api(t, http.MethodGet, base+"/api/v1/questions/"+id(q), asker.Token, ""); status != http.StatusOK || len(got["answers"].([]any)) != 1 {
		t.Errorf("restored question: %d %v", status, got)
	}
}
