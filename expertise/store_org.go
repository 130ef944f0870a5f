package expertise

import (
	"context"
	"fmt"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Head is a person heading a unit, as the directory shows them.
type Head struct {
	DisplayName string `json:"name"`
	Handle      string `json:"handle"`
}

// ChartUnit is a box of the organisation chart.
type ChartUnit struct {
	ID       int64  `db:"id"`
	ParentID *int64 `db:"parent_id"`
	Name     string `db:"name"`
	// Members counts the listed people of the unit itself; People adds
	// those of the units below, as the directory's unit filter lists them.
	Members  int          `db:"members"`
	Heads    []Head       `db:"heads"`
	People   int          `db:"-"`
	Children []*ChartUnit `db:"-"`
}

// orgChartSQL reads an agency's units with their listed members and heads
// in one statement. The directory import keeps the manager of each person
// (profiles.manager_dn, the manager's ldap_dn), not of a unit, so a head is
// derived: a person of the unit someone reports to from the unit or a unit
// directly below it, whose own manager is not in the unit. A deputy or team
// lead reports inside the unit, a staff position has nobody reporting to
// it; neither is taken for the head. People who left or are disabled count
// for nothing; hidden people count as reports and managers (the structure
// stays right) but are neither counted nor named.
const orgChartSQL = `WITH staff AS MATERIALIZED (
		SELECT p.account_id, p.org_unit_id, p.ldap_dn, p.manager_dn, NOT p.hidden AS listed, a.display_name, a.handle::text AS handle
		FROM profiles p JOIN accounts a ON a.id = p.account_id
		WHERE a.agency_id = $1 AND p.org_unit_id IS NOT NULL AND p.left_at IS NULL AND a.disabled_at IS NULL),
	units AS (SELECT id, parent_id, name FROM org_units WHERE agency_id = $1),
	heads AS (
		SELECT h.org_unit_id, h.display_name, h.handle FROM staff h
		WHERE h.listed AND h.ldap_dn IS NOT NULL
		  AND EXISTS (SELECT 1 FROM staff r JOIN units ru ON ru.id = r.org_unit_id
			WHERE r.manager_dn = h.ldap_dn AND r.account_id <> h.account_id AND (ru.id = h.org_unit_id OR ru.parent_id = h.org_unit_id))
		  AND NOT EXISTS (SELECT 1 FROM staff m WHERE m.ldap_dn = h.manager_dn AND m.org_unit_id = h.org_unit_id)),
	members AS (SELECT org_unit_id, count(*) AS n FROM staff WHERE listed GROUP BY org_unit_id),
	head_lists AS (SELECT org_unit_id, json_agg(json_build_object('name', display_name, 'handle', handle)
		ORDER BY lower(display_name), handle) AS heads FROM heads GROUP BY org_unit_id)
	SELECT u.id, u.parent_id, u.name, coalesce(m.n, 0)::int AS members, coalesce(h.heads, '[]'::json) AS heads
	FROM units u LEFT JOIN members m ON m.org_unit_id = u.id LEFT JOIN head_lists h ON h.org_unit_id = u.id
	ORDER BY lower(u.name), u.id`

// OrgChart lists an agency's units by name, each with the number of its
// own listed people and its heads.
func (s *Store) OrgChart(ctx context.Context, agencyID int64) ([]*ChartUnit, error) {
	rows, _ := s.pool.Query(ctx, orgChartSQL, agencyID)
	return postgres.AllAddr[ChartUnit](rows, "load organisation chart")
}

// UnitAgency is the agency a unit belongs to.
func (s *Store) UnitAgency(ctx context.Context, unitID int64) (int64, error) {
	return postgres.Value[int64](s.pool.QueryRow(ctx, `SELECT agency_id FROM org_units WHERE id = $1`, unitID), fmt.Sprintf("agency of unit %d", unitID))
}
