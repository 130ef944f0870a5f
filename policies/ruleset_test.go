package policies

import (
	"context"
	"strconv"
	"testing"
)

// A person acts in a space as themselves, through their groups, through
// their agency in its organisation spaces, and as instance admin (manage,
// never read); nothing reaches another agency's organisation space or a
// space the person has no way into.
func TestPrincipalsReachTheirSpacesOnly(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, db.Pool)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	other := newWorld(t, db.Pool)
	tag := strconv.FormatInt(tagSeq.Add(1), 10) + strconv.FormatInt(w.space, 10)
	org := addSpace(t, db.Pool, w.agency, Organisation, "org-"+tag)
	otherOrg := addSpace(t, db.Pool, other.agency, Organisation, "fremd-"+tag)
	exec(`UPDATE spaces SET agency_role = 'viewer' WHERE id IN ($1, $2)`, org, otherOrg)
	network := addSpace(t, db.Pool, other.agency, Network, "netz-"+tag)
	var group int64
	if err := db.Pool.QueryRow(ctx, `INSERT INTO groups (slug, name) VALUES ($1, 'AG') RETURNING id`, "ag-"+tag).Scan(&group); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO group_members (group_id, account_id) VALUES ($1, $2)`, group, w.newcomer)
	exec(`INSERT INTO space_members (space_id, group_id, role) VALUES ($1, $2, 'moderator')`, network, group)
	exec(`UPDATE accounts SET is_admin = true WHERE id = $1`, other.newcomer)
	e := newEnforcer(t, db.Pool)
	for _, tc := range []struct {
		who   int64
		act   Action
		space int64
		want  bool
	}{
		{w.owner, Manage, w.space, true},        // as themselves
		{w.newcomer, Read, w.space, false},      // no way in
		{w.newcomer, Read, org, true},           // through the agency
		{w.newcomer, Write, org, false},         // the agency's role is viewer
		{w.newcomer, Read, otherOrg, false},     // another agency's
		{w.newcomer, Moderate, network, true},   // through the group
		{w.owner, Read, network, false},         // not in the group
		{other.newcomer, Manage, w.space, true}, // the admin manages
		{other.newcomer, Read, w.space, false},  // and reads only as a member
		{other.newcomer, Read, otherOrg, true},  // the admin's own agency
	} {
		if got := e.Can(ctx, Subject{AccountID: tc.who}, tc.act, tc.space); got != tc.want {
			t.Errorf("account %d, %s in space %d: %v, want %v", tc.who, tc.act, tc.space, got, tc.want)
		}
	}
	if got := e.ReadableSpaces(ctx, Subject{AccountID: w.newcomer}); len(got) != 2 {
		t.Errorf("the newcomer reads %v, want the organisation and the group's network space", got)
	}
}
