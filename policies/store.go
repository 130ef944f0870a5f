package policies

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// Space is a place for pages and questions with its own members.
type Space struct {
	ID          int64      `db:"id" json:"id"`
	Slug        string     `db:"slug" json:"slug"`
	Name        string     `db:"name" json:"name"`
	Description string     `db:"description" json:"description"`
	AgencyID    int64      `db:"agency_id" json:"-"`
	AgencySlug  string     `db:"agency_slug" json:"agency"`
	AgencyName  string     `db:"agency_name" json:"-"`
	Visibility  Visibility `db:"visibility" json:"visibility"`
	AgencyRole  Role       `db:"agency_role" json:"agency_role"`
	// Language is the language of the space's content, "de" or "en".
	Language   string     `db:"language" json:"language"`
	ArchivedAt *time.Time `db:"archived_at" json:"archived_at,omitempty"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
}

// Archived reports whether the space is read-only.
func (s Space) Archived() bool { return s.ArchivedAt != nil }

// Member is one entry of a space's member list: a person or a group.
type Member struct {
	AccountID *int64 `db:"account_id" json:"-"`
	GroupID   *int64 `db:"group_id" json:"-"`
	Key       string `db:"key" json:"member"` // handle, or @slug for a group
	Name      string `db:"name" json:"name"`
	Role      Role   `db:"role" json:"role"`
}

// IsGroup reports whether the member is a group.
func (m Member) IsGroup() bool { return m.GroupID != nil }

// Group is a named set of accounts, managed by admins.
type Group struct {
	ID      int64  `db:"id" json:"id"`
	Slug    string `db:"slug" json:"slug"`
	Name    string `db:"name" json:"name"`
	Members int    `db:"members" json:"members"`
}

// Store holds the SQL of spaces, memberships and groups.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

const spaceColumns = `s.id, s.slug, s.name, s.description, s.agency_id, a.slug AS agency_slug, a.name AS agency_name,
	s.visibility, s.agency_role, s.language, s.archived_at, s.created_at`

func (st *Store) spaces(ctx context.Context, where string, args ...any) ([]Space, error) {
	rows, _ := st.pool.Query(ctx, `SELECT `+spaceColumns+` FROM spaces s JOIN agencies a ON a.id = s.agency_id WHERE `+where, args...)
	return postgres.All[Space](rows, "load spaces")
}

// oneSpace loads the space where, on a unique column, picks.
func (st *Store) oneSpace(ctx context.Context, where string, arg any) (Space, error) {
	list, err := st.spaces(ctx, where, arg)
	if err != nil {
		return Space{}, err
	}
	if len(list) == 0 {
		return Space{}, errs.E(errs.NotFound, "error.not_found")
	}
	return list[0], nil
}

// SpaceBySlug loads a space.
func (st *Store) SpaceBySlug(ctx context.Context, slug string) (Space, error) {
	return st.oneSpace(ctx, `s.slug = $1`, slug)
}

// SpaceByID loads a space.
func (st *Store) SpaceByID(ctx context.Context, id int64) (Space, error) {
	return st.oneSpace(ctx, `s.id = $1`, id)
}

// SpacesByID loads the given spaces, active ones first, by name.
func (st *Store) SpacesByID(ctx context.Context, ids []int64) ([]Space, error) {
	return st.spaces(ctx, `s.id = ANY($1) ORDER BY s.archived_at IS NOT NULL, s.name`, ids)
}

// NewSpace is what creating a space takes.
type NewSpace struct {
	Slug, Name, Description string
	AgencyID                int64
	Visibility              Visibility
	AgencyRole              Role
	Language                string
}

// CreateSpace inserts a space with its creator as owner.
func (st *Store) CreateSpace(ctx context.Context, n NewSpace, ownerID int64) (Space, error) {
	if n.AgencyRole == "" {
		n.AgencyRole = RoleMember
	}
	if n.Language == "" {
		n.Language = DefaultLanguage
	}
	var id int64
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO spaces (slug, name, description, agency_id, visibility, agency_role, language)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, n.Slug, n.Name, n.Description, n.AgencyID, n.Visibility, n.AgencyRole, n.Language).Scan(&id)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO space_members (space_id, account_id, role) VALUES ($1, $2, 'owner')`, id, ownerID)
		return err
	})
	if err != nil {
		return Space{}, postgres.Constraint(err, "create space", map[string]*errs.Error{
			"spaces_slug_key": errs.E(errs.Conflict, "space.slug_taken").OnField("slug"),
		})
	}
	return st.SpaceByID(ctx, id)
}

// SpaceSettings are the editable properties of a space.
type SpaceSettings struct {
	Name, Description string
	Visibility        Visibility
	AgencyRole        Role
	Language          string
}

// UpdateSpace changes a space's settings.
func (st *Store) UpdateSpace(ctx context.Context, id int64, s SpaceSettings) error {
	_, err := st.pool.Exec(ctx, `UPDATE spaces SET name = $2, description = $3, visibility = $4, agency_role = $5, language = $6 WHERE id = $1`,
		id, s.Name, s.Description, s.Visibility, s.AgencyRole, s.Language)
	if err != nil {
		return postgres.Constraint(err, "update space", nil)
	}
	return nil
}

// SetArchived archives a space or brings it back.
func (st *Store) SetArchived(ctx context.Context, id int64, archived bool) error {
	_, err := st.pool.Exec(ctx, `UPDATE spaces SET archived_at = CASE WHEN $2 THEN coalesce(archived_at, now()) END WHERE id = $1`, id, archived)
	return err
}

// Members lists a space's members: groups first, then people, by name.
func (st *Store) Members(ctx context.Context, spaceID int64) ([]Member, error) {
	rows, _ := st.pool.Query(ctx, `
		SELECT m.account_id, m.group_id, coalesce(a.handle::text, '@' || g.slug) AS key,
		       coalesce(a.display_name, g.name) AS name, m.role
		FROM space_members m
		LEFT JOIN accounts a ON a.id = m.account_id
		LEFT JOIN groups g ON g.id = m.group_id
		WHERE m.space_id = $1
		ORDER BY m.group_id IS NULL, 4, 3`, spaceID)
	return postgres.All[Member](rows, "list members")
}

// MemberRef names a person (by handle or e-mail) or a group (@slug).
type MemberRef struct {
	AccountID, GroupID int64
}

// ResolveMember finds the account or group a member key names: "@slug" is
// a group, anything else a handle or an e-mail address.
func (st *Store) ResolveMember(ctx context.Context, key string) (MemberRef, error) {
	var ref MemberRef
	var err error
	if len(key) > 1 && key[0] == '@' {
		err = st.pool.QueryRow(ctx, `SELECT id FROM groups WHERE slug = $1`, key[1:]).Scan(&ref.GroupID)
	} else {
		err = st.pool.QueryRow(ctx, `SELECT id FROM accounts WHERE (handle = $1 OR email = $1) AND disabled_at IS NULL`, key).Scan(&ref.AccountID)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return ref, memberUnknown(key)
	}
	if err != nil {
		return ref, fmt.Errorf("resolve member: %w", err)
	}
	return ref, nil
}

// SetMember adds a member or changes their role. Demoting the last owner
// is refused: a space without owners could not be managed by its members.
func (st *Store) SetMember(ctx context.Context, spaceID int64, ref MemberRef, role Role) error {
	return st.SetMemberThen(ctx, spaceID, ref, role, nil)
}

// SetMemberThen is SetMember telling added, in the same transaction, who
// became a member: the account, or the group's members, and nobody when
// only a role changed.
func (st *Store) SetMemberThen(ctx context.Context, spaceID int64, ref MemberRef, role Role, added func(ctx context.Context, tx pgx.Tx, accounts []int64) error) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		if err := lockSpace(ctx, tx, spaceID); err != nil {
			return err
		}
		var err error
		var inserted bool // xmax is 0 for a row inserted, not updated
		if ref.GroupID != 0 {
			err = tx.QueryRow(ctx, `INSERT INTO space_members (space_id, group_id, role) VALUES ($1, $2, $3)
				ON CONFLICT (space_id, group_id) WHERE group_id IS NOT NULL DO UPDATE SET role = excluded.role
				RETURNING xmax = 0`, spaceID, ref.GroupID, role).Scan(&inserted)
		} else {
			err = tx.QueryRow(ctx, `INSERT INTO space_members (space_id, account_id, role) VALUES ($1, $2, $3)
				ON CONFLICT (space_id, account_id) WHERE account_id IS NOT NULL DO UPDATE SET role = excluded.role
				RETURNING xmax = 0`, spaceID, ref.AccountID, role).Scan(&inserted)
		}
		if err != nil {
			return fmt.Errorf("set member: %w", err)
		}
		if err := requireOwner(ctx, tx, spaceID); err != nil {
			return err
		}
		if !inserted || added == nil {
			return nil
		}
		accounts := []int64{ref.AccountID}
		if ref.GroupID != 0 {
			rows, _ := tx.Query(ctx, `SELECT account_id FROM group_members WHERE group_id = $1 ORDER BY account_id`, ref.GroupID)
			if accounts, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
				return fmt.Errorf("group members: %w", err)
			}
		}
		return added(ctx, tx, accounts)
	})
}

// RemoveMember removes a member; removing the last owner is refused.
func (st *Store) RemoveMember(ctx context.Context, spaceID int64, ref MemberRef) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		if err := lockSpace(ctx, tx, spaceID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM space_members WHERE space_id = $1 AND (account_id = $2 OR group_id = $3)`, spaceID, ref.AccountID, ref.GroupID)
		if err != nil {
			return fmt.Errorf("remove member: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errs.E(errs.NotFound, "error.not_found")
		}
		return requireOwner(ctx, tx, spaceID)
	})
}

// lockSpace serialises membership changes of one space, so that two owners
// demoting each other at once cannot leave it without an owner.
func lockSpace(ctx context.Context, tx pgx.Tx, spaceID int64) error {
	_, err := tx.Exec(ctx, `SELECT 1 FROM spaces WHERE id = $1 FOR UPDATE`, spaceID)
	return err
}

func requireOwner(ctx context.Context, tx pgx.Tx, spaceID int64) error {
	var owners int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM space_members WHERE space_id = $1 AND role = 'owner'`, spaceID).Scan(&owners); err != nil {
		return err
	}
	if owners == 0 {
		return errs.E(errs.Conflict, "space.last_owner")
	}
	return nil
}

// CreateGroup inserts a group.
func (st *Store) CreateGroup(ctx context.Context, slug, name string) (Group, error) {
	g := Group{Slug: slug, Name: name}
	err := st.pool.QueryRow(ctx, `INSERT INTO groups (slug, name) VALUES ($1, $2) RETURNING id`, slug, name).Scan(&g.ID)
	if err != nil {
		return g, postgres.Constraint(err, "create group", map[string]*errs.Error{
			"groups_slug_key": errs.E(errs.Conflict, "group.slug_taken").OnField("slug"),
		})
	}
	return g, nil
}

// Groups lists all groups with their member counts.
func (st *Store) Groups(ctx context.Context) ([]Group, error) {
	rows, _ := st.pool.Query(ctx, `SELECT g.id, g.slug, g.name, count(m.account_id)::int AS members
		FROM groups g LEFT JOIN group_members m ON m.group_id = g.id GROUP BY g.id ORDER BY g.name`)
	return postgres.All[Group](rows, "list groups")
}

// GroupBySlug loads a group.
func (st *Store) GroupBySlug(ctx context.Context, slug string) (Group, error) {
	rows, _ := st.pool.Query(ctx, `SELECT g.id, g.slug, g.name, (SELECT count(*) FROM group_members m WHERE m.group_id = g.id)::int AS members
		FROM groups g WHERE g.slug = $1`, slug)
	g, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Group])
	if errors.Is(err, pgx.ErrNoRows) {
		return g, errs.E(errs.NotFound, "group.unknown", "Slug", slug)
	}
	return g, err
}

// GroupMember is a person in a group.
type GroupMember struct {
	AccountID int64  `db:"id"`
	Handle    string `db:"handle"`
	Name      string `db:"display_name"`
}

// GroupMembers lists a group's members by name.
func (st *Store) GroupMembers(ctx context.Context, groupID int64) ([]GroupMember, error) {
	rows, _ := st.pool.Query(ctx, `SELECT a.id, a.handle, a.display_name FROM group_members m JOIN accounts a ON a.id = m.account_id
		WHERE m.group_id = $1 ORDER BY a.display_name`, groupID)
	return postgres.All[GroupMember](rows, "group members")
}

// AddGroupMember puts an account into a group; doing it twice is harmless.
func (st *Store) AddGroupMember(ctx context.Context, groupID, accountID int64) error {
	_, err := st.pool.Exec(ctx, `INSERT INTO group_members (group_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, groupID, accountID)
	return err
}

// RemoveGroupMember takes an account out of a group.
func (st *Store) RemoveGroupMember(ctx context.Context, groupID, accountID int64) error {
	_, err := st.pool.Exec(ctx, `DELETE FROM group_members WHERE group_id = $1 AND account_id = $2`, groupID, accountID)
	return err
}

// SyncAccountGroups makes the account a member of exactly the named groups,
// creating groups the identity provider names that do not exist yet.
func (st *Store) SyncAccountGroups(ctx context.Context, accountID int64, slugs []string) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO groups (slug, name) SELECT s, s FROM unnest($1::text[]) s
			WHERE s ~ '^[a-z0-9][a-z0-9-]{1,62}$' ON CONFLICT (slug) DO NOTHING`, slugs); err != nil {
			return fmt.Errorf("create groups: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM group_members WHERE account_id = $1
			AND group_id NOT IN (SELECT id FROM groups WHERE slug = ANY($2))`, accountID, slugs); err != nil {
			return fmt.Errorf("leave groups: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO group_members (group_id, account_id)
			SELECT id, $1 FROM groups WHERE slug = ANY($2) ON CONFLICT DO NOTHING`, accountID, slugs)
		return err
	})
}
