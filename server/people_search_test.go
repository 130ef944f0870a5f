package main

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

// People search follows the rule of profile pages: a member of another
// agency in an agency's organisation space may read its pages but finds
// none of its people, neither from Meilisearch nor from PostgreSQL's copy,
// and their profiles answer 404; colleagues and admins find them.
func TestPersonSearchFollowsProfileVisibility(t *testing.T) {
	for _, degraded := range []bool{false, true} {
		t.Run(fmt.Sprintf("degraded=%v", degraded), func(t *testing.T) {
			home, other := makeAgency(t), makeAgency(t)
			colleague, expert, admin := makePerson(t, home, false), makePerson(t, home, false), makePerson(t, other, true)
			guest := makePerson(t, other, false)
			sp := makeSpace(t, colleague, policies.Organisation, policies.RoleMember)
			addMember(t, sp, guest, policies.RoleMember)
			var base string
			if degraded {
				base = degradedServer(t)
			} else {
				base = searchServer(t, nil)
				warmUp(t, base, colleague.Token, sp.Slug)
			}
			// Each run its own word: the tags of two runs are a few
			// letters apart, within the typos a search forgives, and the
			// admin may find the other run's expert too.
			word := map[bool]string{false: "Zustaendigkeitsnachweis", true: "Vertretungsregelung"}[degraded] + letterTag()
			if status, out := api(t, http.MethodPut, base+"/api/v1/me/profile", expert.Token, `{"tasks":"Ich bearbeite den `+word+`."}`); status != http.StatusOK {
				t.Fatalf("profile: %d %v", status, out)
			}
			page := "Seite " + word
			putPage(t, base, colleague.Token, sp.Slug, "seite-"+letterTag(), page, 0)
			if degraded {
				waitCopied(t)
			}
			found := func(p person, typ string) int {
				status, out := api(t, http.MethodGet, base+"/api/v1/search?type="+typ+"&q="+url.QueryEscape(word), p.Token, "")
				if status != http.StatusOK {
					t.Fatalf("search: %d %v", status, out)
				}
				hits, _ := out["hits"].([]any)
				return len(hits)
			}
			eventually(t, 15*time.Second, "the colleague finds the person", func() bool { return found(colleague, "person") == 1 })
			eventually(t, 15*time.Second, "the guest finds the page", func() bool { return found(guest, "page") == 1 })
			if n := found(guest, "person"); n != 0 {
				t.Errorf("a member of another agency in the organisation space finds %d people of it", n)
			}
			if status, _ := api(t, http.MethodGet, base+"/api/v1/people/"+expert.Handle, guest.Token, ""); status != http.StatusNotFound {
				t.Errorf("the guest sees the profile: %d", status)
			}
			if n := found(admin, "person"); n != 1 {
				t.Errorf("an admin of another agency finds %d people, want 1 as on the profile page", n)
			}
		})
	}
}
