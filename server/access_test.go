package main

import (
	"net/http"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// TestAccess is the specification of access to spaces: every kind of
// subject × every visibility × every action, over HTTP against the real
// server. A cell holds four letters, for read, write, moderate and manage
// members: y allowed, n refused (403, or not offered), - not found (404,
// the space's existence does not leak), u sign-in required (401).
//
// The organisation space here lets staff of its agency read only, so that
// the explicit roles stay distinguishable; TestOrganisationSpaceLetsStaffWrite
// covers the default.
func TestAccess(t *testing.T) {
	spec := []struct {
		subject                        string
		organisation, network, private string
	}{
		{"anonymous", "uuuu", "uuuu", "uuuu"},
		{"other agency", "----", "----", "----"},
		{"same agency", "ynnn", "----", "----"},
		{"viewer", "ynnn", "ynnn", "ynnn"},
		{"member", "yynn", "yynn", "yynn"},
		{"moderator", "yyyn", "yyyn", "yyyn"},
		{"owner", "yyyy", "yyyy", "yyyy"},
		{"admin", "ynny", "---y", "---y"},
	}

	agencyA, agencyB := makeAgency(t), makeAgency(t)
	people := map[string]person{
		"other agency": makePerson(t, agencyB, false),
		"same agency":  makePerson(t, agencyA, false),
		"viewer":       makePerson(t, agencyA, false),
		"member":       makePerson(t, agencyA, false),
		"moderator":    makePerson(t, agencyA, false),
		"owner":        makePerson(t, agencyA, false),
		"admin":        makePerson(t, agencyA, true),
	}
	// Whom "manage members" adds: a colleague, whom everyone may name (a
	// person of another agency is unknown to those who share no space
	// with them, TestMemberOfAnotherAgencyIsAnsweredLikeAnUnknownName).
	target := makePerson(t, agencyA, false)
	spaces := map[string]policies.Space{}
	for _, vis := range []policies.Visibility{policies.Organisation, policies.Network, policies.Private} {
		sp := makeSpace(t, people["owner"], vis, policies.RoleViewer)
		for _, role := range []policies.Role{policies.RoleViewer, policies.RoleMember, policies.RoleModerator} {
			addMember(t, sp, people[string(role)], role)
		}
		spaces[string(vis)] = sp
	}
	base := startServer(t)

	for _, row := range spec {
		for vis, want := range map[string]string{"organisation": row.organisation, "network": row.network, "private": row.private} {
			t.Run(row.subject+"/"+vis, func(t *testing.T) {
				got := probe(t, base, people[row.subject].Token, spaces[vis], target.Handle)
				if got != want {
					t.Errorf("%s in a %s space: got %s, want %s (read, write, moderate, manage)", row.subject, vis, got, want)
				}
			})
		}
	}
}

// probe asks the server what token's owner may do in the space and answers
// in the letters of TestAccess.
func probe(t *testing.T, base, token string, sp policies.Space, target string) string {
	t.Helper()
	letter := func(status int) byte {
		switch status {
		case http.StatusOK, http.StatusNoContent:
			return 'y'
		case http.StatusForbidden:
			return 'n'
		case http.StatusNotFound:
			return '-'
		case http.StatusUnauthorized:
			return 'u'
		}
		t.Fatalf("unexpected status %d", status)
		return '?'
	}
	out := make([]byte, 4)
	status, body := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug, token, "")
	out[0] = letter(status)
	for i, act := range []string{"write", "moderate"} {
		if status != http.StatusOK {
			out[1+i] = out[0]
			continue
		}
		perms, _ := body["permissions"].(map[string]any)
		if perms[act] == true {
			out[1+i] = 'y'
		} else {
			out[1+i] = 'n'
		}
	}
	status, _ = api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/members/"+target, token, `{"role":"viewer"}`)
	out[3] = letter(status)
	if status == http.StatusOK {
		// Undo, so that the next subject starts from the same members.
		api(t, http.MethodDelete, base+"/api/v1/spaces/"+sp.Slug+"/members/"+target, token, "")
	}
	return string(out)
}

func TestOrganisationSpaceLetsStaffWrite(t *testing.T) {
	agency := makeAgency(t)
	owner, staff, outsider := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, makeAgency(t), false)
	sp := makeSpace(t, owner, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	if got := probe(t, base, staff.Token, sp, outsider.Handle); got != "yynn" {
		t.Errorf("staff of the agency: %s, want yynn", got)
	}
	if got := probe(t, base, outsider.Token, sp, staff.Handle); got != "----" {
		t.Errorf("staff of another agency: %s, want ----", got)
	}
}

func TestArchivedSpaceIsReadOnly(t *testing.T) {
	agency := makeAgency(t)
	owner, member := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	addMember(t, sp, member, policies.RoleModerator)
	base := startServer(t)
	if status, _ := api(t, http.MethodPatch, base+"/api/v1/spaces/"+sp.Slug, owner.Token, `{"archived":true}`); status != http.StatusOK {
		t.Fatalf("archive: %d", status)
	}
	if got := probe(t, base, member.Token, sp, owner.Handle); got != "ynnn" {
		t.Errorf("moderator of an archived space: %s, want ynnn", got)
	}
	if got := probe(t, base, owner.Token, sp, member.Handle); got != "ynny" {
		t.Errorf("owner of an archived space: %s, want ynny", got)
	}
}
