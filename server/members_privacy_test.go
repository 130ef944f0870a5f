package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// Adding a person of another agency with whom one shares no space answers
// exactly like a name nobody has, in the API and the HTML form, whether
// their profile is listed or hidden, by handle or by e-mail address; the
// member list never learns their name. A person one already shares a
// space with can be added, and an admin can add anyone: that is how a
// cross-agency space gets its first external member.
func TestMemberOfAnotherAgencyIsAnsweredLikeAnUnknownName(t *testing.T) {
	ctx := context.Background()
	home, other := makeAgency(t), makeAgency(t)
	owner, admin := makePerson(t, home, false), makePerson(t, home, true)
	stranger, hidden, known := makePerson(t, other, false), makePerson(t, other, false), makePerson(t, other, false)
	dbExec(t, `UPDATE profiles SET hidden = true WHERE account_id = $1`, hidden.ID)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	network := makeSpace(t, owner, policies.Network, policies.RoleMember)
	addMember(t, network, known, policies.RoleMember)
	base := startServer(t)
	seesSpace(t, base, owner, sp)

	put := func(token, key string) (int, string) {
		status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/members/"+url.PathEscape(key), token, `{"role":"member"}`)
		e, _ := out["error"].(map[string]any)
		msg, _ := e["message"].(string)
		return status, strings.ReplaceAll(msg, key, "KEY")
	}
	wantStatus, wantMsg := put(owner.Token, "niemand-"+unique("x"))
	if wantStatus != http.StatusNotFound {
		t.Fatalf("unknown name: %d %q", wantStatus, wantMsg)
	}
	for _, key := range []string{stranger.Handle, hidden.Handle, stranger.Email, hidden.Email} {
		if status, msg := put(owner.Token, key); status != wantStatus || msg != wantMsg {
			t.Errorf("PUT member %s of another agency: %d %q, want %d %q as for an unknown name", key, status, msg, wantStatus, wantMsg)
		}
		status, _ := api(t, http.MethodDelete, base+"/api/v1/spaces/"+sp.Slug+"/members/"+url.PathEscape(key), owner.Token, "")
		if status != http.StatusNotFound {
			t.Errorf("DELETE member %s of another agency: %d, want 404", key, status)
		}
	}
	_, out := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/members", owner.Token, "")
	for _, m := range out["members"].([]any) {
		if name := m.(map[string]any)["name"]; name == stranger.DisplayName || name == hidden.DisplayName {
			t.Errorf("the member list names %v", name)
		}
	}

	b := newBrowser(t, base)
	b.signIn(owner.Email, owner.Password)
	settings := "/bereiche/" + sp.Slug + "/einstellungen"
	b.get(settings)
	form := func(key string) (int, string) {
		resp, body := b.post(settings, "/bereiche/"+sp.Slug+"/mitglieder", url.Values{"member": {key}, "role": {"member"}})
		i := strings.Index(body, "<main")
		if i < 0 {
			i = 0
		}
		body = strings.ReplaceAll(body[i:], key, "KEY")
		return resp.StatusCode, csrfField.ReplaceAllString(body, "")
	}
	unknownStatus, unknownPage := form("niemand-" + unique("x"))
	if unknownStatus == http.StatusSeeOther {
		t.Fatalf("the form added a name nobody has")
	}
	if status, page := form(stranger.Handle); status != unknownStatus || page != unknownPage {
		t.Errorf("form with a person of another agency: %d, want %d and the page of an unknown name", status, unknownStatus)
	}

	// Inviting to answer a question answers the same way.
	q := askAbout(t, base, owner.Token, network.Slug, "Wie stelle ich einen Antrag auf Dienstreise?", "")
	invite := func(handle string) (int, string) {
		status, out := api(t, http.MethodPost, base+"/api/v1/questions/"+q+"/invitations", owner.Token, `{"handle":"`+handle+`"}`)
		e, _ := out["error"].(map[string]any)
		msg, _ := e["message"].(string)
		return status, strings.ReplaceAll(msg, handle, "KEY")
	}
	wantStatus, wantMsg = invite("niemand-" + unique("x"))
	if status, msg := invite(stranger.Handle); status != wantStatus || msg != wantMsg {
		t.Errorf("inviting a person of another agency: %d %q, want %d %q as for an unknown name", status, msg, wantStatus, wantMsg)
	}

	// So does naming a page's owner.
	setOwner := func(handle string) (int, string) {
		status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+network.Slug+"/pages/"+unique("seite"), owner.Token,
			`{"title":"Seite","body":"Text","owner":"`+handle+`"}`)
		e, _ := out["error"].(map[string]any)
		msg, _ := e["message"].(string)
		return status, strings.ReplaceAll(msg, handle, "KEY")
	}
	wantStatus, wantMsg = setOwner("niemand-" + unique("x"))
	if wantStatus == http.StatusCreated || wantStatus == http.StatusOK {
		t.Fatalf("a page owner nobody is was taken: %d", wantStatus)
	}
	if status, msg := setOwner(stranger.Handle); status != wantStatus || msg != wantMsg {
		t.Errorf("a person of another agency as page owner: %d %q, want %d %q as for an unknown name", status, msg, wantStatus, wantMsg)
	}
	// The person picker offers nobody of another agency.
	if _, body := b.get("/personenvorschlaege?q=" + stranger.Handle); strings.Contains(body, stranger.Handle) {
		t.Errorf("the person picker offers a person of another agency: %s", body)
	}

	// Someone one shares a space with, and anyone for an admin.
	if status, msg := put(owner.Token, known.Handle); status != http.StatusOK {
		t.Errorf("a person sharing a space: %d %q", status, msg)
	}
	if status, msg := put(admin.Token, stranger.Email); status != http.StatusOK {
		t.Errorf("an admin adding a person of another agency: %d %q", status, msg)
	}
	members, err := policies.NewStore(testDB.Pool).Members(ctx, sp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 3 {
		t.Errorf("members %v, want owner, the known person and the one the admin added", members)
	}
}
