package policies

import (
	"context"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// knownSQL finds the active account named by $2 (handle or e-mail
// address) that the account $1 may know of: themself, anyone of their
// own agency, anyone for an admin, and otherwise only someone who is
// already a member (directly or through a group) of a space they are a
// member of too. Everything else is answered like a name nobody has, by
// the same single statement, so that neither the answer nor its time
// tells whether a person of another agency exists.
const knownSQL = `WITH v AS (SELECT id, agency_id, is_admin FROM accounts WHERE id = $1 AND disabled_at IS NULL),
	v_spaces AS (
		SELECT m.space_id FROM space_members m WHERE m.account_id = $1
		UNION SELECT m.space_id FROM space_members m JOIN group_members g ON g.group_id = m.group_id WHERE g.account_id = $1)
	SELECT a.id FROM accounts a, v
	WHERE (a.handle = $2 OR a.email = $2) AND a.disabled_at IS NULL
	  AND (a.id = v.id OR v.is_admin OR a.agency_id = v.agency_id
	    OR EXISTS (SELECT 1 FROM space_members m WHERE m.account_id = a.id AND m.space_id IN (SELECT space_id FROM v_spaces))
	    OR EXISTS (SELECT 1 FROM space_members m JOIN group_members g ON g.group_id = m.group_id
	               WHERE g.account_id = a.id AND m.space_id IN (SELECT space_id FROM v_spaces)))`

// KnownAccount resolves a handle or e-mail address to an account the
// viewer may know of (see knownSQL). An unknown key and a person the
// viewer may not know of both give the same not-found error. Every place
// where a person names another (space members, page owners, invitations,
// pickers) resolves the name through it.
func (st *Store) KnownAccount(ctx context.Context, viewerID int64, key string) (int64, error) {
	return postgres.Value[int64](st.pool.QueryRow(ctx, knownSQL, viewerID, key), "resolve person")
}
