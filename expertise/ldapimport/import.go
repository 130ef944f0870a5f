package ldapimport

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
)

// ErrEmpty is returned when the search found nobody and Config.AllowEmpty
// is not set: a wrong filter must not mark a whole agency as left.
var ErrEmpty = errors.New("the search returned no entries; refusing to mark everyone as left (use --allow-empty if the directory is really empty)")

// Run reads the directory and brings the agency's accounts, profiles and
// units up to date in one transaction: a run that fails changes nothing.
//
//   - Units are matched by DN; the parent is the nearest ou above. A unit
//     that is gone from the directory is deleted when no active person is
//     in it any more (profiles of people who left lose the unit, child
//     units are re-parented by the next run or detached).
//   - People are matched by profiles.ldap_dn, else by e-mail address (an
//     existing local or OIDC account is linked; an entry that moved in the
//     tree keeps its account). New people get an account without password
//     in the agency; they sign in through the identity provider.
//   - Only changed rows are written, and each changed person gets a search
//     outbox row in the same transaction.
//   - People of the agency with an ldap_dn who are not in the result have
//     left: left_at is set once, the account disabled, its sessions ended.
//     Someone who comes back is enabled again (only if the import disabled
//     them).
func Run(ctx context.Context, pool *pgxpool.Pool, cfg Config) (Summary, error) {
	var sum Summary
	if cfg.URL == "" || cfg.BaseDN == "" || cfg.AgencyID == 0 {
		return sum, errors.New("ldap import: URL, base DN and agency are required")
	}
	if cfg.Map.Name == "" || cfg.Map.Mail == "" {
		m, err := ParseMapping("")
		if err != nil {
			return sum, err
		}
		cfg.Map = m
	}
	dir, err := read(ctx, cfg)
	if err != nil {
		return sum, err
	}
	sum.Entries = len(dir.people)
	if sum.Entries == 0 && !cfg.AllowEmpty {
		return sum, ErrEmpty
	}
	err = postgres.WithTx(ctx, pool, func(tx pgx.Tx) error {
		// One import per agency at a time.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('fachnetz ldap import'), $1::int)`, cfg.AgencyID); err != nil {
			return err
		}
		unitIDs, err := syncUnits(ctx, tx, cfg.AgencyID, dir.units, &sum)
		if err != nil {
			return err
		}
		if err := syncPeople(ctx, tx, cfg.AgencyID, dir.people, unitIDs, &sum); err != nil {
			return err
		}
		return removeUnits(ctx, tx, cfg.AgencyID, dir.units, &sum)
	})
	if err != nil {
		return Summary{Entries: sum.Entries}, err
	}
	return sum, nil
}

// syncUnits creates and updates the units (parents come first) and returns
// the id of each by canonical DN.
func syncUnits(ctx context.Context, tx pgx.Tx, agencyID int64, units []unit, sum *Summary) (map[string]int64, error) {
	dns := make([]string, len(units))
	for i, u := range units {
		dns[i] = u.dn
	}
	type row struct {
		ID       int64  `db:"id"`
		AgencyID int64  `db:"agency_id"`
		ParentID *int64 `db:"parent_id"`
		Name     string `db:"name"`
		LdapDN   string `db:"ldap_dn"`
	}
	rows, _ := tx.Query(ctx, `SELECT id, agency_id, parent_id, name, ldap_dn FROM org_units WHERE ldap_dn = ANY($1)`, dns)
	existing, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	if err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	have := make(map[string]row, len(existing))
	for _, r := range existing {
		if r.AgencyID != agencyID {
			return nil, fmt.Errorf("unit %s belongs to another agency", r.LdapDN)
		}
		have[r.LdapDN] = r
	}
	ids := make(map[string]int64, len(units))
	for _, u := range units {
		var parent *int64
		if id, ok := ids[u.parent]; ok && u.parent != "" {
			parent = &id
		}
		r, ok := have[u.dn]
		switch {
		case !ok:
			var id int64
			err := tx.QueryRow(ctx, `INSERT INTO org_units (agency_id, parent_id, name, ldap_dn) VALUES ($1, $2, $3, $4) RETURNING id`,
				agencyID, parent, u.name, u.dn).Scan(&id)
			if err != nil {
				return nil, fmt.Errorf("create unit %s: %w", u.dn, err)
			}
			ids[u.dn] = id
			sum.UnitsCreated++
		case r.Name != u.name || !sameID(r.ParentID, parent):
			if _, err := tx.Exec(ctx, `UPDATE org_units SET name = $2, parent_id = $3 WHERE id = $1`, r.ID, u.name, parent); err != nil {
				return nil, fmt.Errorf("update unit %s: %w", u.dn, err)
			}
			ids[u.dn] = r.ID
			sum.UnitsUpdated++
		default:
			ids[u.dn] = r.ID
		}
	}
	return ids, nil
}

// removeUnits deletes the agency's directory units that are gone from the
// directory, unless an active person is still in one (someone put there by
// hand): that unit stays until it is empty.
func removeUnits(ctx context.Context, tx pgx.Tx, agencyID int64, units []unit, sum *Summary) error {
	dns := make([]string, len(units))
	for i, u := range units {
		dns[i] = u.dn
	}
	tag, err := tx.Exec(ctx, `
		DELETE FROM org_units u
		WHERE u.agency_id = $1 AND u.ldap_dn IS NOT NULL AND NOT u.ldap_dn = ANY($2)
		  AND NOT EXISTS (SELECT FROM profiles p WHERE p.org_unit_id = u.id AND p.left_at IS NULL)`, agencyID, dns)
	if err != nil {
		return fmt.Errorf("remove units: %w", err)
	}
	sum.UnitsRemoved = int(tag.RowsAffected())
	return nil
}

// known is an account with its profile's directory fields.
type known struct {
	ID          int64   `db:"id"`
	AgencyID    int64   `db:"agency_id"`
	Email       string  `db:"email"`
	DisplayName string  `db:"display_name"`
	Disabled    bool    `db:"disabled"`
	LdapDN      *string `db:"ldap_dn"`
	Position    string  `db:"position"`
	Phone       string  `db:"phone"`
	Location    string  `db:"location"`
	OrgUnitID   *int64  `db:"org_unit_id"`
	ManagerDN   *string `db:"manager_dn"`
	Left        bool    `db:"left"`
}

func syncPeople(ctx context.Context, tx pgx.Tx, agencyID int64, people []person, unitIDs map[string]int64, sum *Summary) error {
	dns := make([]string, len(people))
	mails := make([]string, len(people))
	for i, p := range people {
		dns[i], mails[i] = p.dn, p.mail
	}
	// Everyone an entry could match, plus everyone who could have left.
	rows, _ := tx.Query(ctx, `
		SELECT a.id, a.agency_id, a.email::text, a.display_name, a.disabled_at IS NOT NULL AS disabled,
		       p.ldap_dn, p.position, p.phone, p.location, p.org_unit_id, p.manager_dn, p.left_at IS NOT NULL AS left
		FROM accounts a JOIN profiles p ON p.account_id = a.id
		WHERE p.ldap_dn = ANY($1) OR a.email = ANY($2::citext[]) OR (a.agency_id = $3 AND p.ldap_dn IS NOT NULL)
		FOR UPDATE OF a, p`, dns, mails, agencyID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[known])
	if err != nil {
		return fmt.Errorf("load accounts: %w", err)
	}
	byDN := map[string]*known{}
	byMail := map[string]*known{}
	for i := range list {
		k := &list[i]
		if k.LdapDN != nil {
			byDN[*k.LdapDN] = k
		}
		byMail[strings.ToLower(k.Email)] = k
	}

	seen := map[int64]bool{} // accounts matched by this run
	inResult := map[string]bool{}
	for _, p := range people {
		inResult[p.dn] = true
	}
	for _, p := range people {
		if problem := validate(p); problem != "" {
			sum.Skipped++
			sum.Problems = append(sum.Problems, fmt.Sprintf("%s: %s", p.dn, problem))
			continue
		}
		k := byDN[p.dn]
		if k == nil {
			// By e-mail, unless that account belongs to another entry of
			// this result (then two entries share an address).
			if c := byMail[strings.ToLower(p.mail)]; c != nil && (c.LdapDN == nil || !inResult[*c.LdapDN]) {
				k = c
			}
		}
		if k != nil && (seen[k.ID] || k.AgencyID != agencyID) {
			why := "its e-mail address " + p.mail + " belongs to another entry of this run"
			if k.AgencyID != agencyID {
				why = "its account belongs to another agency"
			}
			sum.Skipped++
			sum.Problems = append(sum.Problems, fmt.Sprintf("%s: %s", p.dn, why))
			continue
		}
		var unitID *int64
		if id, ok := unitIDs[p.unitDN]; ok && p.unitDN != "" {
			unitID = &id
		}
		if k == nil {
			if other := byMail[strings.ToLower(p.mail)]; other != nil {
				sum.Skipped++
				sum.Problems = append(sum.Problems, fmt.Sprintf("%s: its e-mail address %s belongs to another entry of this run", p.dn, p.mail))
				continue
			}
			id, err := create(ctx, tx, agencyID, p, unitID)
			if err != nil {
				return err
			}
			seen[id] = true
			byMail[strings.ToLower(p.mail)] = &known{ID: id, AgencyID: agencyID, Email: p.mail, LdapDN: &p.dn}
			sum.Created++
			continue
		}
		seen[k.ID] = true
		// A changed e-mail address that another account already has is a
		// problem of the directory; the rest of the entry still counts.
		mail := p.mail
		if other := byMail[strings.ToLower(mail)]; other != nil && other.ID != k.ID {
			sum.Problems = append(sum.Problems, fmt.Sprintf("%s: e-mail address %s is taken by another account; kept %s", p.dn, mail, k.Email))
			mail = k.Email
		}
		changed, err := update(ctx, tx, k, p, mail, unitID)
		if err != nil {
			return err
		}
		if changed {
			sum.Updated++
		} else {
			sum.Unchanged++
		}
	}

	var left []int64
	for _, k := range list {
		if k.AgencyID == agencyID && k.LdapDN != nil && !seen[k.ID] && !k.Left {
			left = append(left, k.ID)
		}
	}
	if len(left) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE profiles SET left_at = now(), updated_at = now() WHERE account_id = ANY($1) AND left_at IS NULL`, left); err != nil {
			return fmt.Errorf("mark as left: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET disabled_at = coalesce(disabled_at, now()) WHERE id = ANY($1)`, left); err != nil {
			return fmt.Errorf("disable accounts that left: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = ANY($1)`, left); err != nil {
			return fmt.Errorf("end sessions of accounts that left: %w", err)
		}
		if err := search.Enqueue(ctx, tx, "person", left...); err != nil {
			return err
		}
		sum.Left = len(left)
	}
	return nil
}

func validate(p person) string {
	switch {
	case p.name == "":
		return "no name"
	case p.mail == "":
		return "no e-mail address"
	case !strings.Contains(p.mail, "@") || len(p.mail) > 320 || strings.ContainsAny(p.mail, " \t\r\n"):
		return fmt.Sprintf("%q is not an e-mail address", p.mail)
	}
	return ""
}

func create(ctx context.Context, tx pgx.Tx, agencyID int64, p person, unitID *int64) (int64, error) {
	handle, err := auth.FreeHandleIn(ctx, tx, p.mail)
	if err != nil {
		return 0, err
	}
	var id int64
	// No password: the person signs in through the identity provider.
	if err := tx.QueryRow(ctx, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, $3, $4) RETURNING id`,
		agencyID, p.mail, p.name, handle).Scan(&id); err != nil {
		return 0, fmt.Errorf("create account for %s: %w", p.dn, err)
	}
	// The profile row exists (trigger accounts_profile).
	if _, err := tx.Exec(ctx, `
		UPDATE profiles SET ldap_dn = $2, position = $3, phone = $4, location = $5, org_unit_id = $6, manager_dn = $7, updated_at = now()
		WHERE account_id = $1`, id, p.dn, p.title, p.phone, p.location, unitID, nullable(p.manager)); err != nil {
		return 0, fmt.Errorf("profile of %s: %w", p.dn, err)
	}
	return id, search.Enqueue(ctx, tx, "person", id)
}

// update writes what changed, and only that; it reports whether anything did.
func update(ctx context.Context, tx pgx.Tx, k *known, p person, mail string, unitID *int64) (bool, error) {
	accountChanged := k.Email != mail || k.DisplayName != p.name || k.Left
	profileChanged := k.LdapDN == nil || *k.LdapDN != p.dn || k.Position != p.title || k.Phone != p.phone ||
		k.Location != p.location || !sameID(k.OrgUnitID, unitID) || !sameString(k.ManagerDN, nullable(p.manager)) || k.Left
	if !accountChanged && !profileChanged {
		return false, nil
	}
	if accountChanged {
		// Someone who comes back is enabled again, but only if the import
		// disabled them: marking as left sets disabled_at and left_at in
		// one transaction, so the two are equal exactly then. An account
		// an admin disabled stays so.
		if _, err := tx.Exec(ctx, `
			UPDATE accounts a SET email = $2, display_name = $3,
			       disabled_at = CASE WHEN $4 AND a.disabled_at = p.left_at THEN NULL ELSE a.disabled_at END
			FROM profiles p WHERE p.account_id = a.id AND a.id = $1`, k.ID, mail, p.name, k.Left); err != nil {
			return false, fmt.Errorf("update account of %s: %w", p.dn, err)
		}
	}
	if profileChanged {
		// Never tasks, ask_me_about, languages, hidden, derived_consent.
		if _, err := tx.Exec(ctx, `
			UPDATE profiles SET ldap_dn = $2, position = $3, phone = $4, location = $5, org_unit_id = $6,
			       manager_dn = $7, left_at = NULL, updated_at = now()
			WHERE account_id = $1`, k.ID, p.dn, p.title, p.phone, p.location, unitID, nullable(p.manager)); err != nil {
			return false, fmt.Errorf("update profile of %s: %w", p.dn, err)
		}
	}
	return true, search.Enqueue(ctx, tx, "person", k.ID)
}

func sameID(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func sameString(a, b *string) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
