package main

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// An edit is checked before it is merged: a parent from another space is
// refused, and the conflict page never names a page the editor may not
// read.
func TestMergeChecksTheEditFirst(t *testing.T) {
	attacker := makePerson(t, makeAgency(t), false)
	victim := makePerson(t, makeAgency(t), false)
	own := makeSpace(t, attacker, policies.Private, policies.RoleMember)
	secret := makeSpace(t, victim, policies.Private, policies.RoleMember)
	base := startServer(t)
	putPage(t, base, attacker.Token, own.Slug, "notizen", "Text.\n", 0)
	secretTitle := unique("Geheime Personalakte")
	status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+secret.Slug+"/pages/akte", victim.Token, `{"title":"`+secretTitle+`","body":"Vertraulich."}`)
	if status != http.StatusCreated {
		t.Fatalf("victim page: %d %v", status, out)
	}
	var victimID int64
	testDB.Pool.QueryRow(context.Background(), `SELECT id FROM pages WHERE space_id = $1`, secret.ID).Scan(&victimID)

	br := newBrowser(t, base)
	br.signIn(attacker.Email, attacker.Password)
	edit := "/bereiche/" + own.Slug + "/seiten/notizen/bearbeiten"
	br.get(edit)
	for _, rev := range []string{"0", "1"} {
		resp, page := br.post("", edit, url.Values{"title": {"notizen"}, "body": {"Text.\n"}, "base_revision": {rev},
			"base_meta": {"parent=1&review_interval=365"}, "parent": {strconv.FormatInt(victimID, 10)}, "review_interval": {"365"}})
		if strings.Contains(page, secretTitle) {
			t.Fatalf("base %s: the editor shows the title of a page in another agency's private space (%d)", rev, resp.StatusCode)
		}
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("base %s: a parent from another space answers %d, want 422", rev, resp.StatusCode)
		}
	}
}

// A save whose base revision is unknown (0, or one that does not exist)
// does not merge quietly: every part that differs from the page as it is
// now is a conflict, and nothing is saved.
func TestMergeWithoutBaseConflicts(t *testing.T) {
	agency := makeAgency(t)
	a, b := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, a, policies.Private, policies.RoleMember)
	addMember(t, sp, b, policies.RoleMember)
	base := startServer(t)
	putPage(t, base, a.Token, sp.Slug, "fristen", threeParagraphs, 0)
	putPage(t, base, a.Token, sp.Slug, "fristen", "Neuer Text von A.\n", 1)
	pageURL := base + "/api/v1/spaces/" + sp.Slug + "/pages/fristen"

	for _, rev := range []string{"0", "99", "-1"} {
		status, out := api(t, http.MethodPut, pageURL, b.Token, `{"owner":"`+b.Handle+`","review_interval_days":90,"base_revision":`+rev+`}`)
		if status != http.StatusConflict {
			t.Fatalf("API, base %s: %d %v", rev, status, out)
		}
		fields := map[string]bool{}
		for _, p := range out["conflicts"].([]any) {
			fields[p.(map[string]any)["field"].(string)] = true
		}
		if !fields["owner"] || !fields["interval"] {
			t.Errorf("API, base %s: conflicts %v, want owner and interval", rev, out["conflicts"])
		}
		if status, _ := api(t, http.MethodPut, pageURL, b.Token, `{"body":"","base_revision":`+rev+`}`); status != http.StatusConflict {
			t.Errorf("API, base %s: an empty text against a page with text answers %d", rev, status)
		}
	}
	// The same text as now is no conflict.
	if status, out := api(t, http.MethodPut, pageURL, b.Token, `{"body":"Neuer Text von A.\n","base_revision":0}`); status != http.StatusOK {
		t.Errorf("API, the same text without base: %d %v", status, out)
	}

	br := newBrowser(t, base)
	br.signIn(b.Email, b.Password)
	edit := "/bereiche/" + sp.Slug + "/seiten/fristen/bearbeiten"
	br.get(edit)
	resp, page := br.post("", edit, url.Values{"title": {"fristen"}, "body": {""}, "base_revision": {"0"},
		"base_meta": {"owner=" + b.Handle + "&review_interval=90"}, "owner": {b.Handle}, "review_interval": {"90"}})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("web, base 0: %d", resp.StatusCode)
	}
	if !strings.Contains(page, "Neuer Text von A.") {
		t.Error("the conflict page lacks the text as it is now")
	}
	_, now := api(t, http.MethodGet, pageURL, a.Token, "")
	if now["body"] != "Neuer Text von A.\n" || now["owner"] == b.DisplayName {
		t.Fatalf("a save without base changed the page: %v", now)
	}
}
