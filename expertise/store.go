package expertise

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Store holds the SQL of profiles, skills and organisation units.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns the store.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Pool is the store's connection pool, for transactions of the service.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Profile is a person's entry in the phone book with their account.
type Profile struct {
	AccountID        int64      `db:"account_id" json:"-"`
	DisplayName      string     `db:"display_name" json:"display_name"`
	Handle           string     `db:"handle" json:"handle"`
	Email            string     `db:"email" json:"email"`
	AgencyID         int64      `db:"agency_id" json:"-"`
	AgencySlug       string     `db:"agency_slug" json:"agency"`
	AgencyName       string     `db:"agency_name" json:"agency_name"`
	Position         string     `db:"position" json:"position"`
	UnitID           *int64     `db:"org_unit_id" json:"unit_id"`
	UnitPath         []string   `db:"unit_path" json:"unit_path"` // from the top unit down to the person's own
	Location         string     `db:"location" json:"location"`
	Phone            string     `db:"phone" json:"phone"`
	Tasks            string     `db:"tasks" json:"tasks"`
	AskMeAbout       string     `db:"ask_me_about" json:"ask_me_about"`
	Languages        []string   `db:"languages" json:"languages"`
	Hidden           bool       `db:"hidden" json:"hidden"`
	DerivedConsent   bool       `db:"derived_consent" json:"derived_consent"`
	ConsentChangedAt *time.Time `db:"consent_changed_at" json:"consent_changed_at,omitempty"`
	LDAPManaged      bool       `db:"ldap_managed" json:"directory_managed"`
	Gone             bool       `db:"gone" json:"-"` // left the agency or disabled
	UpdatedAt        time.Time  `db:"updated_at" json:"updated_at"`
	PhotoVersion     *string    `db:"photo_version" json:"-"` // nil without a photo
	PhotoURL         string     `db:"-" json:"photo_url"`     // "" without a photo
	Skills           []Skill    `db:"-" json:"skills"`
}

// Listed reports whether others may find the person at all.
func (p Profile) Listed() bool { return !p.Hidden && !p.Gone }

// Unit is the person's own unit (the last of the path), "" without one.
func (p Profile) Unit() string {
	if len(p.UnitPath) == 0 {
		return ""
	}
	return p.UnitPath[len(p.UnitPath)-1]
}

// PhoneURI is the tel: link of the phone number.
func (p Profile) PhoneURI() template.URL {
	return template.URL("tel:" + strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '+' || r == '-' {
			return r
		}
		return -1
	}, p.Phone))
}

// StaleSkills counts the skills that need confirming.
func (p Profile) StaleSkills() int {
	n := 0
	for _, s := range p.Skills {
		if s.Stale {
			n++
		}
	}
	return n
}

// Skill is a declared skill.
type Skill struct {
	TopicID     int64     `db:"topic_id" json:"-"`
	Name        string    `db:"name" json:"topic"`
	Slug        string    `db:"slug" json:"topic_slug"`
	Level       string    `db:"level" json:"level"`
	ConfirmedAt time.Time `db:"confirmed_at" json:"confirmed_at"`
	Stale       bool      `db:"stale" json:"stale"`
}

// unitPathSQL is the names of the unit of p and its ancestors, top first.
const unitPathSQL = `coalesce((WITH RECURSIVE up(id, parent_id, name, depth) AS (
		SELECT u.id, u.parent_id, u.name, 0 FROM org_units u WHERE u.id = p.org_unit_id
		UNION ALL SELECT u.id, u.parent_id, u.name, up.depth + 1 FROM org_units u JOIN up ON u.id = up.parent_id WHERE up.depth < 50)
	SELECT array_agg(name ORDER BY depth DESC) FROM up), '{}')`

// photoVersionSQL names a photo by its content (NULL without one): the
// photo's address changes with the photo, as a cache needs, without
// telling anyone when the person changed it.
const photoVersionSQL = `ph.version`

// listedSQL is the condition under which others may see a person.
const listedSQL = `NOT p.hidden AND p.left_at IS NULL AND a.disabled_at IS NULL`

const profileSelect = `SELECT a.id AS account_id, a.display_name, a.handle::text AS handle, a.email::text AS email,
	a.agency_id, ag.slug::text AS agency_slug, ag.name AS agency_name,
	p.position, p.org_unit_id, ` + unitPathSQL + ` AS unit_path, p.location, p.phone, p.tasks, p.ask_me_about, p.languages,
	p.hidden, p.derived_consent, p.consent_changed_at, p.ldap_dn IS NOT NULL AS ldap_managed,
	(p.left_at IS NOT NULL OR a.disabled_at IS NOT NULL) AS gone, p.updated_at, ` + photoVersionSQL + ` AS photo_version
	FROM accounts a JOIN profiles p ON p.account_id = a.id JOIN agencies ag ON ag.id = a.agency_id
	LEFT JOIN profile_photos ph ON ph.account_id = a.id `

func (s *Store) profile(ctx context.Context, q postgres.Querier, where string, arg any) (Profile, error) {
	rows, _ := q.Query(ctx, profileSelect+where, arg)
	p, err := postgres.One[Profile](rows, "load profile")
	if err != nil {
		return Profile{}, err
	}
	if p.Skills, err = s.Skills(ctx, q, p.AccountID); err != nil {
		return Profile{}, err
	}
	if p.PhotoVersion != nil {
		p.PhotoURL = PhotoURL(p.Handle, *p.PhotoVersion)
	}
	return p, nil
}

// ProfileByID loads a profile with its skills.
func (s *Store) ProfileByID(ctx context.Context, q postgres.Querier, accountID int64) (Profile, error) {
	return s.profile(ctx, q, `WHERE a.id = $1`, accountID)
}

// ProfileByHandle loads a profile by the account's handle.
func (s *Store) ProfileByHandle(ctx context.Context, handle string) (Profile, error) {
	return s.profile(ctx, s.pool, `WHERE a.handle = $1::citext`, handle)
}

// Skills lists a person's skills, by topic name.
func (s *Store) Skills(ctx context.Context, q postgres.Querier, accountID int64) ([]Skill, error) {
	rows, _ := q.Query(ctx, `SELECT ps.topic_id, t.name, t.slug::text AS slug, ps.level, ps.confirmed_at,
		ps.confirmed_at < now() - interval '12 months' AS stale
		FROM profile_skills ps JOIN topics t ON t.id = ps.topic_id WHERE ps.account_id = $1 ORDER BY lower(t.name)`, accountID)
	return postgres.All[Skill](rows, "load skills")
}

// Filter selects people of the directory.
type Filter struct {
	AgencyID int64  // 0: every agency (admins)
	Name     string // prefix of any word of the name, or of the handle; already folded
	UnitID   int64  // the unit and all units below it
	Location string
	Skill    *SkillMatch // people with a skill in its topics or in its units; nil: anyone
	After    int64       // cursor: the account id of the last person of the previous page
	Limit    int
}

// Person is a row of the directory.
type Person struct {
	AccountID   int64    `db:"account_id" json:"-"`
	DisplayName string   `db:"display_name" json:"display_name"`
	Handle      string   `db:"handle" json:"handle"`
	Position    string   `db:"position" json:"position"`
	UnitPath    []string `db:"unit_path" json:"unit_path"`
	Location    string   `db:"location" json:"location"`
	// PhotoVersion names the photo's content; nil without one.
	PhotoVersion *string `db:"photo_version" json:"-"`
}

// PhotoURL is the address of the person's photo, "" without one.
func (p Person) PhotoURL() string {
	if p.PhotoVersion == nil {
		return ""
	}
	return PhotoURL(p.Handle, *p.PhotoVersion)
}

// Unit is the person's own unit.
func (p Person) Unit() string {
	if len(p.UnitPath) == 0 {
		return ""
	}
	return p.UnitPath[len(p.UnitPath)-1]
}

// foldSQL folds a column as fold does in Go: lower case, umlauts spelled out.
func foldSQL(col string) string {
	return `replace(replace(replace(replace(lower(` + col + `), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss')`
}

// Directory lists listed people matching f, by name, one more than
// f.Limit so that the caller knows whether there is a next page.
func (s *Store) Directory(ctx context.Context, f Filter) ([]Person, error) {
	where := []string{listedSQL}
	args := []any{}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.AgencyID != 0 {
		where = append(where, "a.agency_id = "+arg(f.AgencyID))
	}
	if f.Name != "" {
		n := postgres.LikeEscape(f.Name)
		where = append(where, "(' ' || "+foldSQL("a.display_name")+") LIKE "+arg("% "+n+"%")+" OR a.handle::text LIKE "+arg(n+"%"))
		where[len(where)-1] = "(" + where[len(where)-1] + ")"
	}
	if f.UnitID != 0 {
		where = append(where, `p.org_unit_id IN (WITH RECURSIVE down(id, depth) AS (SELECT id, 0 FROM org_units WHERE id = `+arg(f.UnitID)+`
			UNION ALL SELECT u.id, down.depth + 1 FROM org_units u JOIN down ON u.parent_id = down.id WHERE down.depth < 50) SELECT id FROM down)`)
	}
	if f.Location != "" {
		where = append(where, "lower(p.location) = lower("+arg(f.Location)+")")
	}
	if f.Skill != nil {
		where = append(where, "(EXISTS (SELECT 1 FROM profile_skills ps WHERE ps.account_id = a.id AND ps.topic_id = ANY("+arg(f.Skill.TopicIDs)+"::bigint[]))"+
			" OR p.org_unit_id = ANY("+arg(f.Skill.UnitIDs)+"::bigint[]) OR a.id = ANY("+arg(f.Skill.People)+"::bigint[]))")
	}
	if f.After != 0 {
		// The cursor is the last person shown; if they were erased since,
		// the list starts over rather than coming back empty.
		after := arg(f.After)
		where = append(where, "(NOT EXISTS (SELECT 1 FROM accounts WHERE id = "+after+") OR "+
			"(lower(a.display_name), a.id) > (SELECT lower(display_name), id FROM accounts WHERE id = "+after+"))")
	}
	limit := arg(f.Limit + 1)
	rows, _ := s.pool.Query(ctx, `SELECT a.id AS account_id, a.display_name, a.handle::text AS handle, p.position, `+unitPathSQL+` AS unit_path, p.location,
		`+photoVersionSQL+` AS photo_version
		FROM accounts a JOIN profiles p ON p.account_id = a.id LEFT JOIN profile_photos ph ON ph.account_id = a.id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY lower(a.display_name), a.id LIMIT `+limit, args...)
	return postgres.All[Person](rows, "directory")
}

// Photo is a stored profile photo.
type Photo struct {
	Content     []byte `db:"content"`
	ContentType string `db:"content_type"`
	Version     string `db:"version"`
}

// Photo loads a person's photo.
func (s *Store) Photo(ctx context.Context, accountID int64) (Photo, error) {
	rows, _ := s.pool.Query(ctx, `SELECT ph.content, ph.content_type, `+photoVersionSQL+` AS version FROM profile_photos ph WHERE ph.account_id = $1`, accountID)
	return postgres.One[Photo](rows, "load photo")
}

// SavePhoto stores a person's photo (a prepared JPEG), replacing one
// saved before.
func (s *Store) SavePhoto(ctx context.Context, accountID int64, content []byte) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO profile_photos (account_id, content, content_type) VALUES ($1, $2, 'image/jpeg')
		ON CONFLICT (account_id) DO UPDATE SET content = excluded.content, content_type = excluded.content_type, updated_at = now()`,
		accountID, content)
	if err != nil {
		return fmt.Errorf("save photo: %w", err)
	}
	return nil
}

// DeletePhoto removes a person's photo; removing none is no error.
func (s *Store) DeletePhoto(ctx context.Context, accountID int64) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM profile_photos WHERE account_id = $1`, accountID); err != nil {
		return fmt.Errorf("delete photo: %w", err)
	}
	return nil
}

// Locations lists the distinct locations of an agency's listed people, for
// the filter.
func (s *Store) Locations(ctx context.Context, agencyID int64) ([]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT DISTINCT p.location FROM accounts a JOIN profiles p ON p.account_id = a.id
		WHERE `+listedSQL+` AND p.location <> '' AND ($1 = 0 OR a.agency_id = $1) ORDER BY 1 LIMIT 500`, agencyID)
	return postgres.Values[string](rows, "locations")
}

// OrgUnit is a unit of an agency, with the units below it.
type OrgUnit struct {
	ID       int64      `db:"id"`
	ParentID *int64     `db:"parent_id"`
	Name     string     `db:"name"`
	Children []*OrgUnit `db:"-"`
}

// Units lists an agency's units by name.
func (s *Store) Units(ctx context.Context, agencyID int64) ([]*OrgUnit, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, parent_id, name FROM org_units WHERE agency_id = $1 ORDER BY lower(name), id`, agencyID)
	return postgres.AllAddr[OrgUnit](rows, "load units")
}

// UnitInAgency reports whether a unit belongs to an agency.
func (s *Store) UnitInAgency(ctx context.Context, unitID, agencyID int64) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM org_units WHERE id = $1 AND agency_id = $2)`, unitID, agencyID).Scan(&ok)
	return ok, err
}

// Agency is an agency, for the admins' switch of the organisation chart.
type Agency struct {
	ID   int64  `db:"id"`
	Slug string `db:"slug"`
	Name string `db:"name"`
}

// Agencies lists all agencies by name.
func (s *Store) Agencies(ctx context.Context) ([]Agency, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, slug::text AS slug, name FROM agencies ORDER BY lower(name), id`)
	return postgres.All[Agency](rows, "list agencies")
}

// OrganisationSpace is the agency's organisation-wide space (the oldest
// one that is not archived), the space people documents belong to; 0 and
// "" when the agency has none.
func (s *Store) OrganisationSpace(ctx context.Context, q postgres.Querier, agencyID int64) (int64, string, error) {
	var id int64
	var slug string
	err := q.QueryRow(ctx, `SELECT id, slug::text FROM spaces WHERE agency_id = $1 AND visibility = 'organisation' AND archived_at IS NULL
		ORDER BY id LIMIT 1`, agencyID).Scan(&id, &slug)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", nil
	}
	return id, slug, err
}

// MatchableUnits lists the units of an agency (of every agency for 0), for
// matching typed skills against unit names.
func (s *Store) MatchableUnits(ctx context.Context, agencyID int64) ([]*OrgUnit, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, parent_id, name FROM org_units WHERE $1 = 0 OR agency_id = $1 ORDER BY id`, agencyID)
	return postgres.AllAddr[OrgUnit](rows, "load units to match")
}
