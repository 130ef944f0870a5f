// Package policies decides who may do what in which space. Memberships are
// rows in PostgreSQL; the Casbin enforcer holds them in memory, is updated
// in place when this process changes them and reloads when another process
// announces a change through PostgreSQL NOTIFY.
package policies

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed model.conf
var modelText string

// Action is what a subject wants to do in a space.
type Action string

const (
	Read     Action = "read"     // see pages, questions, history, attachments
	Write    Action = "write"    // create and edit pages, ask, answer, comment
	Moderate Action = "moderate" // edit others' content, close, move
	Manage   Action = "manage"   // members and settings
)

// Role is a member's role in a space.
type Role string

const (
	RoleViewer    Role = "viewer"
	RoleMember    Role = "member"
	RoleModerator Role = "moderator"
	RoleOwner     Role = "owner"
)

// Roles lists the space roles from least to most.
var Roles = []Role{RoleViewer, RoleMember, RoleModerator, RoleOwner}

// Valid reports whether r is a space role.
func (r Role) Valid() bool {
	for _, v := range Roles {
		if r == v {
			return true
		}
	}
	return false
}

// permissions are the static policy rules: what each role allows.
var permissions = map[string][]Action{
	"role:viewer":    {Read},
	"role:member":    {Read, Write},
	"role:moderator": {Read, Write, Moderate},
	"role:owner":     {Read, Write, Moderate, Manage},
	// Instance admins manage every space (to recover one whose owners have
	// left) but read only where they are members: reading a private space
	// takes a membership that its members can see.
	"role:admin": {Manage},
}

// Subject is who asks. The zero Subject is an anonymous visitor, who may
// do nothing in any space.
type Subject struct {
	AccountID int64
	AgencyID  int64
}

// Visibility is who, besides its members, may read a space.
type Visibility string

const (
	Organisation Visibility = "organisation" // every member of the owning agency
	Network      Visibility = "network"      // members only, from any agency
	Private      Visibility = "private"      // members only
)

// Valid reports whether v is a visibility.
func (v Visibility) Valid() bool { return v == Organisation || v == Network || v == Private }

// spaceState is what the enforcer needs to know about a space beyond its
// members.
type spaceState struct {
	archived     bool
	agency       int64
	organisation bool
}

// Enforcer answers Can. It is safe for concurrent use.
type Enforcer struct {
	pool   *pgxpool.Pool
	log    *slog.Logger
	reload sync.Mutex // one reload at a time, so the last to start wins
	mu     sync.RWMutex
	casbin ruleSet
	spaces map[int64]spaceState
	// readableSpaces belongs to the rule set in casbin and is replaced
	// with it.
	readableSpaces *readableCache
	sum            [sha256.Size]byte // fingerprint of the rules in casbin
	version        uint64            // increases with every change, for caches of derived answers
	// listening is closed once Listen hears of changes and has reloaded
	// after it began to: from then on no change of another process is
	// missed.
	listening     chan struct{}
	listeningOnce sync.Once
}

// New loads every rule from PostgreSQL.
func New(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) (*Enforcer, error) {
	if _, err := model.NewModelFromString(modelText); err != nil {
		return nil, fmt.Errorf("policies: model: %w", err)
	}
	e := &Enforcer{pool: pool, log: log, listening: make(chan struct{})}
	if err := e.Reload(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

func userKey(id int64) string   { return "user:" + strconv.FormatInt(id, 10) }
func groupKey(id int64) string  { return "group:" + strconv.FormatInt(id, 10) }
func agencyKey(id int64) string { return "agency:" + strconv.FormatInt(id, 10) }
func spaceKey(id int64) string  { return "space:" + strconv.FormatInt(id, 10) }
func roleKey(r Role) string     { return "role:" + string(r) }

// Can reports whether subject may do act in the space. Every handler that
// reads or writes space content asks this, and nothing else.
func (e *Enforcer) Can(_ context.Context, sub Subject, act Action, spaceID int64) bool {
	if sub.AccountID == 0 {
		return false
	}
	e.mu.RLock()
	st, ok := e.spaces[spaceID]
	ce, rc := e.casbin, e.readableSpaces
	e.mu.RUnlock()
	if !ok {
		return false
	}
	// An archived space is read-only for everyone; its owners can still
	// manage it, to restore it.
	if st.archived && (act == Write || act == Moderate) {
		return false
	}
	return e.allowed(rc, ce, sub.AccountID, spaceID, act)
}

// Archived reports whether a space is archived, and so read-only: its
// writes are refused however they are guarded (acceptance by the asker,
// review confirmation by the page's owner), and with a message that says
// why.
func (e *Enforcer) Archived(spaceID int64) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.spaces[spaceID].archived
}

// AgencyOf is the agency that owns a space, 0 for a space it does not
// know.
func (e *Enforcer) AgencyOf(spaceID int64) int64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.spaces[spaceID].agency
}

// ReadableSpaces lists the ids of the spaces subject may read, in
// ascending order, for filters such as the one search sends to
// Meilisearch. It is answered from a set derived once per rule change (see
// readableCache), so a page view does not cost a policy check per space of
// the instance. The caller owns the slice.
func (e *Enforcer) ReadableSpaces(_ context.Context, sub Subject) []int64 {
	if sub.AccountID == 0 {
		return []int64{}
	}
	return slices.Clone(e.readable(sub))
}

// OrganisationSpaces lists the organisation spaces of an agency, of every
// agency for 0: the spaces people documents belong to, so that search
// finds a person for exactly those who may see their profile.
func (e *Enforcer) OrganisationSpaces(agencyID int64) []int64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var ids []int64
	for id, st := range e.spaces {
		if st.organisation && (agencyID == 0 || st.agency == agencyID) {
			ids = append(ids, id)
		}
	}
	return ids
}

// Version changes whenever a rule changes, and only then.
func (e *Enforcer) Version() uint64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.version
}

// Reload replaces every rule with what PostgreSQL holds now. It builds a
// new enforcer and swaps it in, so that a request never sees a half-loaded
// rule set. When the rules are those in force, it keeps them, and the
// version and the answers derived from them stay.
func (e *Enforcer) Reload(ctx context.Context) error {
	e.reload.Lock()
	defer e.reload.Unlock()
	start := time.Now()
	rules, spaces, err := loadRules(ctx, e.pool)
	if err != nil {
		return err
	}
	sum := fingerprint(rules, spaces)
	e.mu.RLock()
	same := e.casbin.ce != nil && sum == e.sum
	e.mu.RUnlock()
	if same {
		e.log.Debug("policies unchanged", "rules", len(rules), "took", time.Since(start).String())
		return nil
	}
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return fmt.Errorf("policies: model: %w", err)
	}
	ce, err := casbin.NewSyncedEnforcer(m)
	if err != nil {
		return fmt.Errorf("policies: enforcer: %w", err)
	}
	ce.EnableAutoSave(false)
	var ps [][]string
	for role, acts := range permissions {
		for _, a := range acts {
			ps = append(ps, []string{role, string(a)})
		}
	}
	if _, err := ce.AddPolicies(ps); err != nil {
		return fmt.Errorf("policies: add permissions: %w", err)
	}
	inSpaces, principals := splitRules(rules)
	if len(inSpaces) > 0 {
		if _, err := ce.AddGroupingPolicies(inSpaces); err != nil {
			return fmt.Errorf("policies: add memberships: %w", err)
		}
	}
	e.mu.Lock()
	e.casbin, e.spaces, e.readableSpaces, e.sum = ruleSet{ce, principals}, spaces, newReadableCache(), sum
	e.version++
	e.mu.Unlock()
	e.log.Debug("policies loaded", "rules", len(rules), "spaces", len(spaces), "took", time.Since(start).String())
	return nil
}

// loadRules reads every grouping rule: instance admins, agency and group
// membership of active accounts, space members, and the agency's role in
// its organisation spaces.
func loadRules(ctx context.Context, pool *pgxpool.Pool) ([][]string, map[int64]spaceState, error) {
	var rules [][]string
	spaces := map[int64]spaceState{}
	each := func(sql string, scan func(pgx.Rows) error) error {
		rows, err := pool.Query(ctx, sql)
		if err != nil {
			return fmt.Errorf("policies: load: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("policies: load: %w", err)
			}
		}
		return rows.Err()
	}
	err := each(`SELECT id, agency_id, is_admin FROM accounts WHERE disabled_at IS NULL`, func(r pgx.Rows) error {
		var id, agency int64
		var admin bool
		if err := r.Scan(&id, &agency, &admin); err != nil {
			return err
		}
		rules = append(rules, []string{userKey(id), agencyKey(agency), "*"})
		if admin {
			rules = append(rules, []string{userKey(id), "role:admin", "*"})
		}
		return nil
	})
	if err == nil {
		err = each(`SELECT m.group_id, m.account_id FROM group_members m JOIN accounts a ON a.id = m.account_id
			WHERE a.disabled_at IS NULL`, func(r pgx.Rows) error {
			var group, account int64
			if err := r.Scan(&group, &account); err != nil {
				return err
			}
			rules = append(rules, []string{userKey(account), groupKey(group), "*"})
			return nil
		})
	}
	if err == nil {
		err = each(`SELECT space_id, account_id, group_id, role FROM space_members`, func(r pgx.Rows) error {
			var space int64
			var account, group *int64
			var role Role
			if err := r.Scan(&space, &account, &group, &role); err != nil {
				return err
			}
			sub := ""
			if account != nil {
				sub = userKey(*account)
			} else {
				sub = groupKey(*group)
			}
			rules = append(rules, []string{sub, roleKey(role), spaceKey(space)})
			return nil
		})
	}
	if err == nil {
		err = each(`SELECT id, agency_id, visibility, agency_role, archived_at IS NOT NULL FROM spaces`, func(r pgx.Rows) error {
			var space, agency int64
			var vis Visibility
			var role Role
			var archived bool
			if err := r.Scan(&space, &agency, &vis, &role, &archived); err != nil {
				return err
			}
			spaces[space] = spaceState{archived: archived, agency: agency, organisation: vis == Organisation}
			if vis == Organisation {
				rules = append(rules, []string{agencyKey(agency), roleKey(role), spaceKey(space)})
			}
			return nil
		})
	}
	if err != nil {
		return nil, nil, err
	}
	return rules, spaces, nil
}
