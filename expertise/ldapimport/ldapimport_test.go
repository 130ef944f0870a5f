package ldapimport

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/postgres"
)

var (
	db      *postgres.TestDatabase
	ldapEnv struct{ url, bindDN, password, baseDN string }
)

// TestMain needs the PostgreSQL of scripts/with-services.sh and the slapd of
// scripts/slapd.sh (both started by scripts/test.sh); a missing one fails.
func TestMain(m *testing.M) {
	ldapEnv.url = os.Getenv("FACHNETZ_TEST_LDAP_URL")
	ldapEnv.bindDN = os.Getenv("FACHNETZ_TEST_LDAP_BIND_DN")
	ldapEnv.password = os.Getenv("FACHNETZ_TEST_LDAP_BIND_PASSWORD")
	ldapEnv.baseDN = os.Getenv("FACHNETZ_TEST_LDAP_BASE_DN")
	if ldapEnv.url == "" || ldapEnv.bindDN == "" || ldapEnv.password == "" || ldapEnv.baseDN == "" {
		fmt.Fprintln(os.Stderr, "FACHNETZ_TEST_LDAP_URL, _BIND_DN, _BIND_PASSWORD and _BASE_DN are not set: run tests through scripts/with-services.sh or make test")
		os.Exit(1)
	}
	var err error
	db, err = postgres.NewTestDatabase(context.Background(), "ldapimport")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	db.Close()
	os.Exit(code)
}

// tree is a directory sub-tree of its own for one test: o=run-<random>
// below the test suffix, so that runs on the same slapd never collide.
type tree struct {
	t    *testing.T
	conn *ldap.Conn
	base string
}

func newTree(t *testing.T) *tree {
	t.Helper()
	conn, err := ldap.DialURL(ldapEnv.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.Bind(ldapEnv.bindDN, ldapEnv.password); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "run-" + hex.EncodeToString(b)
	tr := &tree{t: t, conn: conn, base: "o=" + name + "," + ldapEnv.baseDN}
	tr.add(tr.base, map[string][]string{"objectClass": {"organization"}, "o": {name}})
	return tr
}

func (tr *tree) add(dn string, attrs map[string][]string) {
	tr.t.Helper()
	req := ldap.NewAddRequest(dn, nil)
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range attrs {
			if !yield(k) {
				return
			}
		}
	}) {
		req.Attribute(k, attrs[k])
	}
	if err := tr.conn.Add(req); err != nil {
		tr.t.Fatalf("add %s: %v", dn, err)
	}
}

func (tr *tree) unit(dn string) string {
	tr.t.Helper()
	ou := strings.TrimPrefix(strings.SplitN(dn, ",", 2)[0], "ou=")
	tr.add(dn, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {ou}})
	return dn
}

// mail is IA5String: ASCII only.
var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

// person adds an inetOrgPerson below unitDN and returns its DN.
func (tr *tree) person(unitDN, given, sur, title, manager string) string {
	tr.t.Helper()
	cn := given + " " + sur
	dn := "cn=" + cn + "," + unitDN
	attrs := map[string][]string{
		"objectClass":     {"inetOrgPerson"},
		"cn":              {cn},
		"sn":              {sur},
		"givenName":       {given},
		"mail":            {umlauts.Replace(strings.ToLower(given+"."+sur)) + "@" + strings.TrimPrefix(strings.SplitN(tr.base, ",", 2)[0], "o=") + ".example"},
		"telephoneNumber": {fmt.Sprintf("+49 30 9025-%04d", len(cn)*37%10000)},
		"title":           {title},
		"l":               {"Berlin"},
	}
	if manager != "" {
		attrs["manager"] = []string{manager}
	}
	tr.add(dn, attrs)
	return dn
}

func (tr *tree) modify(dn string, attr, value string) {
	tr.t.Helper()
	req := ldap.NewModifyRequest(dn, nil)
	req.Replace(attr, []string{value})
	if err := tr.conn.Modify(req); err != nil {
		tr.t.Fatalf("modify %s: %v", dn, err)
	}
}

func (tr *tree) config(agencyID int64) Config {
	m, err := ParseMapping("")
	if err != nil {
		tr.t.Fatal(err)
	}
	return Config{
		URL: ldapEnv.url, BindDN: ldapEnv.bindDN, BindPassword: ldapEnv.password,
		BaseDN: tr.base, AgencyID: agencyID, Map: m, Timeout: 10 * time.Second,
	}
}

func newAgency(t *testing.T, slug string) int64 {
	t.Helper()
	a, err := auth.NewStore(db.Pool).CreateAgency(context.Background(), slug, "Amt "+slug)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// org is the directory of a small Landesamt: three levels of units and
// 56 people, each unit's first person heading it.
type org struct {
	units  map[string]string   // short name → DN
	people map[string][]string // short unit name → DNs of its people, head first
	all    []string
}

func buildOrg(tr *tree) org {
	o := org{units: map[string]string{}, people: map[string][]string{}}
	la := tr.unit("ou=Landesamt," + tr.base)
	o.units["LA"] = la
	levels := []struct{ short, name, parent string }{
		{"Z", "Abteilung Z", "LA"}, {"1", "Abteilung 1", "LA"}, {"2", "Abteilung 2", "LA"},
		{"Z1", "Referat Z1", "Z"}, {"Z2", "Referat Z2", "Z"}, {"11", "Referat 11", "1"},
		{"12", "Referat 12", "1"}, {"21", "Referat 21", "2"},
	}
	for _, l := range levels {
		o.units[l.short] = tr.unit("ou=" + l.name + "," + o.units[l.parent])
	}
	surnames := []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"}
	givens := []string{"Anna", "Jonas", "Lea", "Paul", "Mia", "Felix", "Emma", "Lukas"}
	count := map[string]int{"LA": 4, "Z": 4, "1": 4, "2": 4, "Z1": 8, "Z2": 8, "11": 8, "12": 8, "21": 8}
	parentOf := map[string]string{"LA": ""}
	for _, l := range levels {
		parentOf[l.short] = l.parent
	}
	for _, short := range []string{"LA", "Z", "1", "2", "Z1", "Z2", "11", "12", "21"} {
		for i := range count[short] {
			manager := ""
			if i > 0 {
				manager = o.people[short][0]
			} else if p := parentOf[short]; p != "" {
				manager = o.people[p][0]
			}
			title := "Sachbearbeitung"
			if i == 0 {
				title = "Leitung"
			}
			given := givens[len(o.all)%len(givens)]
			sur := surnames[len(o.all)/len(givens)%len(surnames)] + "-" + short
			dn := tr.person(o.units[short], given, sur, title, manager)
			o.people[short] = append(o.people[short], dn)
			o.all = append(o.all, dn)
		}
	}
	return o
}

func canon(t *testing.T, dn string) string {
	t.Helper()
	c, err := canonicalDN(dn)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func accountByDN(t *testing.T, dn string) int64 {
	t.Helper()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), `SELECT account_id FROM profiles WHERE ldap_dn = $1`, canon(t, dn)).Scan(&id); err != nil {
		t.Fatalf("profile of %s: %v", dn, err)
	}
	return id
}

func unitID(t *testing.T, dn string) int64 {
	t.Helper()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), `SELECT id FROM org_units WHERE ldap_dn = $1`, canon(t, dn)).Scan(&id); err != nil {
		t.Fatalf("unit %s: %v", dn, err)
	}
	return id
}

func outboxSince(t *testing.T, after int64) []int64 {
	t.Helper()
	rows, _ := db.Pool.Query(context.Background(), `SELECT DISTINCT item_id FROM search_outbox WHERE kind = 'person' AND id > $1 ORDER BY 1`, after)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func outboxMax(t *testing.T) int64 {
	t.Helper()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), `SELECT coalesce(max(id), 0) FROM search_outbox`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tr := newTree(t)
	o := buildOrg(tr)
	if len(o.all) < 50 {
		t.Fatalf("only %d people in the test directory", len(o.all))
	}
	agency := newAgency(t, "ldap-import")
	// An existing account with a directory e-mail address is linked, not duplicated.
	var linked int64
	linkedDN := o.people["11"][2]
	linkedMail := ""
	{
		res, err := tr.conn.Search(ldap.NewSearchRequest(linkedDN, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", []string{"mail"}, nil))
		if err != nil {
			t.Fatal(err)
		}
		linkedMail = res.Entries[0].GetAttributeValue("mail")
		acc, err := auth.NewStore(db.Pool).CreateAccount(ctx, auth.NewAccount{AgencyID: agency, Email: strings.ToUpper(linkedMail), DisplayName: "Vorher", Handle: "vorher"})
		if err != nil {
			t.Fatal(err)
		}
		linked = acc.ID
	}
	cfg := tr.config(agency)
	before := outboxMax(t)

	sum, err := Run(ctx, db.Pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(sum)
	n := len(o.all)
	if sum.Entries != n || sum.Created != n-1 || sum.Updated != 1 || sum.Unchanged != 0 || sum.Left != 0 || sum.UnitsCreated != 9 || sum.UnitsUpdated != 0 || sum.Skipped != 0 {
		t.Fatalf("first run: %s (%v)", sum, sum.Problems)
	}
	if got := len(outboxSince(t, before)); got != n {
		t.Errorf("first run: %d people in the search outbox, want %d", got, n)
	}
	// The org tree.
	var parents map[string]*string
	{
		rows, _ := db.Pool.Query(ctx, `SELECT u.name, p.name FROM org_units u LEFT JOIN org_units p ON p.id = u.parent_id WHERE u.agency_id = $1`, agency)
		parents = map[string]*string{}
		for rows.Next() {
			var name string
			var parent *string
			if err := rows.Scan(&name, &parent); err != nil {
				t.Fatal(err)
			}
			parents[name] = parent
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{"Landesamt": "", "Abteilung Z": "Landesamt", "Abteilung 1": "Landesamt", "Abteilung 2": "Landesamt",
		"Referat Z1": "Abteilung Z", "Referat Z2": "Abteilung Z", "Referat 11": "Abteilung 1", "Referat 12": "Abteilung 1", "Referat 21": "Abteilung 2"}
	if len(parents) != len(want) {
		t.Errorf("units: %v", parents)
	}
	for name, parent := range want {
		got, ok := parents[name]
		if !ok || (parent == "" && got != nil) || (parent != "" && (got == nil || *got != parent)) {
			t.Errorf("unit %s: parent %v, want %q", name, got, parent)
		}
	}
	// People: unit, manager, directory fields; the linked account.
	check := func(dn, unitShort, manager, title string) {
		t.Helper()
		var unit int64
		var mgr *string
		var position, phone, location, handle, email string
		var disabled bool
		err := db.Pool.QueryRow(ctx, `
			SELECT p.org_unit_id, p.manager_dn, p.position, p.phone, p.location, a.handle, a.email, a.disabled_at IS NOT NULL
			FROM profiles p JOIN accounts a ON a.id = p.account_id WHERE p.ldap_dn = $1 AND a.agency_id = $2`,
			canon(t, dn), agency).Scan(&unit, &mgr, &position, &phone, &location, &handle, &email, &disabled)
		if err != nil {
			t.Fatalf("%s: %v", dn, err)
		}
		if unit != unitID(t, o.units[unitShort]) {
			t.Errorf("%s: unit %d, want %s", dn, unit, unitShort)
		}
		if (manager == "" && mgr != nil) || (manager != "" && (mgr == nil || *mgr != canon(t, manager))) {
			t.Errorf("%s: manager %v, want %q", dn, mgr, manager)
		}
		if position != title || location != "Berlin" || !strings.HasPrefix(phone, "+49 30 9025-") || disabled {
			t.Errorf("%s: position %q, location %q, phone %q, disabled %v", dn, position, location, phone, disabled)
		}
	}
	check(o.people["LA"][0], "LA", "", "Leitung")
	check(o.people["Z"][0], "Z", o.people["LA"][0], "Leitung")
	check(o.people["Z1"][0], "Z1", o.people["Z"][0], "Leitung")
	check(o.people["Z1"][3], "Z1", o.people["Z1"][0], "Sachbearbeitung")
	check(o.people["21"][7], "21", o.people["21"][0], "Sachbearbeitung")
	if id := accountByDN(t, linkedDN); id != linked {
		t.Errorf("the existing account %d was not linked (got %d)", linked, id)
	}
	var passwordless int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM accounts WHERE agency_id = $1 AND password_hash IS NULL`, agency).Scan(&passwordless)
	if passwordless != n {
		t.Errorf("%d accounts without password, want %d", passwordless, n)
	}

	// What people maintain themselves.
	changedTitle, changedPhone, moved, removed, untouched := o.people["Z1"][3], o.people["12"][5], o.people["11"][4], o.people["21"][6], o.people["Z2"][1]
	var topic int64
	if err := db.Pool.QueryRow(ctx, `INSERT INTO topics (slug, name) VALUES ('vergaberecht', 'Vergaberecht') RETURNING id`).Scan(&topic); err != nil {
		t.Fatal(err)
	}
	self := func(dn string) int64 {
		id := accountByDN(t, dn)
		if _, err := db.Pool.Exec(ctx, `UPDATE profiles SET tasks = 'Vergabe', ask_me_about = 'VgV', languages = '{de,fr}', hidden = true, derived_consent = true WHERE account_id = $1`, id); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Pool.Exec(ctx, `INSERT INTO profile_skills (account_id, topic_id, level) VALUES ($1, $2, 'expert')`, id, topic); err != nil {
			t.Fatal(err)
		}
		return id
	}
	selfIDs := []int64{self(changedTitle), self(moved), self(untouched)}
	removedID := accountByDN(t, removed)
	if _, err := db.Pool.Exec(ctx, `INSERT INTO sessions (id_hash, account_id, csrf_token, idle_expires_at, expires_at) VALUES ('\x01', $1, 'x', now() + interval '1 hour', now() + interval '1 day')`, removedID); err != nil {
		t.Fatal(err)
	}

	// Three changes and one deletion in the directory.
	tr.modify(changedTitle, "title", "Referentin")
	tr.modify(changedPhone, "telephoneNumber", "+49 30 9025-9999")
	rdn := strings.SplitN(moved, ",", 2)[0]
	if err := tr.conn.ModifyDN(ldap.NewModifyDNRequest(moved, rdn, true, o.units["Z2"])); err != nil {
		t.Fatal(err)
	}
	movedNow := rdn + "," + o.units["Z2"]
	if err := tr.conn.Del(ldap.NewDelRequest(removed, nil)); err != nil {
		t.Fatal(err)
	}
	ids := []int64{accountByDN(t, changedTitle), accountByDN(t, changedPhone), accountByDN(t, moved), removedID}
	slices.Sort(ids)
	before = outboxMax(t)

	sum, err = Run(ctx, db.Pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(sum)
	if sum.Entries != n-1 || sum.Created != 0 || sum.Updated != 3 || sum.Unchanged != n-4 || sum.Left != 1 || sum.UnitsCreated != 0 || sum.UnitsUpdated != 0 || sum.UnitsRemoved != 0 {
		t.Fatalf("second run: %s (%v)", sum, sum.Problems)
	}
	if got := outboxSince(t, before); !slices.Equal(got, ids) {
		t.Errorf("second run: outbox %v, want %v", got, ids)
	}
	check(changedTitle, "Z1", o.people["Z1"][0], "Referentin")
	check(movedNow, "Z2", o.people["11"][0], "Sachbearbeitung")
	var phone string
	db.Pool.QueryRow(ctx, `SELECT phone FROM profiles WHERE ldap_dn = $1`, canon(t, changedPhone)).Scan(&phone)
	if phone != "+49 30 9025-9999" {
		t.Errorf("phone %q", phone)
	}
	for _, id := range selfIDs {
		var tasks, ask string
		var langs []string
		var hidden, consent bool
		var skills int
		err := db.Pool.QueryRow(ctx, `SELECT tasks, ask_me_about, languages, hidden, derived_consent, (SELECT count(*) FROM profile_skills s WHERE s.account_id = p.account_id)
			FROM profiles p WHERE account_id = $1`, id).Scan(&tasks, &ask, &langs, &hidden, &consent, &skills)
		if err != nil {
			t.Fatal(err)
		}
		if tasks != "Vergabe" || ask != "VgV" || !slices.Equal(langs, []string{"de", "fr"}) || !hidden || !consent || skills != 1 {
			t.Errorf("account %d: self-maintained fields changed: %q %q %v %v %v %d", id, tasks, ask, langs, hidden, consent, skills)
		}
	}
	leftAt := func() (*time.Time, *time.Time, int) {
		var left, disabled *time.Time
		var sessions int
		err := db.Pool.QueryRow(ctx, `SELECT p.left_at, a.disabled_at, (SELECT count(*) FROM sessions s WHERE s.account_id = a.id)
			FROM profiles p JOIN accounts a ON a.id = p.account_id WHERE a.id = $1`, removedID).Scan(&left, &disabled, &sessions)
		if err != nil {
			t.Fatal(err)
		}
		return left, disabled, sessions
	}
	left1, disabled, sessions := leftAt()
	if left1 == nil || disabled == nil || sessions != 0 {
		t.Errorf("removed entry: left_at %v, disabled_at %v, %d sessions", left1, disabled, sessions)
	}

	// A third run changes nothing, not even left_at.
	before = outboxMax(t)
	sum, err = Run(ctx, db.Pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Entries != n-1 || sum.Created+sum.Updated+sum.Left+sum.UnitsCreated+sum.UnitsUpdated+sum.UnitsRemoved != 0 || sum.Unchanged != n-1 {
		t.Errorf("third run: %s", sum)
	}
	if got := outboxSince(t, before); len(got) != 0 {
		t.Errorf("third run: outbox %v", got)
	}
	if left2, _, _ := leftAt(); left2 == nil || !left2.Equal(*left1) {
		t.Errorf("left_at moved from %v to %v", left1, left2)
	}

	// The removed person comes back: enabled again, no longer left.
	tr.person(o.units["21"], "Zurück", "Gekehrt", "Sachbearbeitung", "")
	if err := tr.conn.Del(ldap.NewDelRequest(movedNow, nil)); err != nil {
		t.Fatal(err)
	}
	// Re-add the removed entry as it was (same DN, same e-mail).
	parts := strings.SplitN(strings.TrimPrefix(strings.SplitN(removed, ",", 2)[0], "cn="), " ", 2)
	tr.person(o.units["21"], parts[0], parts[1], "Sachbearbeitung", o.people["21"][0])
	sum, err = Run(ctx, db.Pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 1 || sum.Updated != 1 || sum.Left != 1 {
		t.Errorf("fourth run: %s (%v)", sum, sum.Problems)
	}
	if left, disabled, _ := leftAt(); left != nil || disabled != nil {
		t.Errorf("returned person: left_at %v, disabled_at %v", left, disabled)
	}

	// An admin disables the person; they leave and come back: they stay
	// disabled, since the import did not disable them.
	if _, err := db.Pool.Exec(ctx, `UPDATE accounts SET disabled_at = now() WHERE id = $1`, removedID); err != nil {
		t.Fatal(err)
	}
	if err := tr.conn.Del(ldap.NewDelRequest(removed, nil)); err != nil {
		t.Fatal(err)
	}
	if sum, err = Run(ctx, db.Pool, cfg); err != nil || sum.Left != 1 {
		t.Fatalf("fifth run: %s %v", sum, err)
	}
	tr.person(o.units["21"], parts[0], parts[1], "Sachbearbeitung", o.people["21"][0])
	if sum, err = Run(ctx, db.Pool, cfg); err != nil || sum.Updated != 1 {
		t.Fatalf("sixth run: %s %v", sum, err)
	}
	if left, disabled, _ := leftAt(); left != nil || disabled == nil {
		t.Errorf("returned person an admin had disabled: left_at %v, disabled_at %v", left, disabled)
	}
}

// A filter that finds nobody must not mark everyone as left.
func TestEmptyResultRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tr := newTree(t)
	u := tr.unit("ou=Amt," + tr.base)
	for i := range 3 {
		tr.person(u, "Kim", fmt.Sprintf("Leer%d", i), "Sachbearbeitung", "")
	}
	cfg := tr.config(newAgency(t, "ldap-empty"))
	if sum, err := Run(ctx, db.Pool, cfg); err != nil || sum.Created != 3 {
		t.Fatalf("%s, %v", sum, err)
	}
	cfg.Filter = "(&(objectClass=inetOrgPerson)(cn=niemand))"
	if _, err := Run(ctx, db.Pool, cfg); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty result: %v, want ErrEmpty", err)
	}
	var left int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM profiles p JOIN accounts a ON a.id = p.account_id WHERE a.agency_id = $1 AND p.left_at IS NOT NULL`, cfg.AgencyID).Scan(&left)
	if left != 0 {
		t.Fatalf("%d people marked as left after a refused run", left)
	}
	cfg.AllowEmpty = true
	sum, err := Run(ctx, db.Pool, cfg)
	if err != nil || sum.Left != 3 || sum.UnitsRemoved != 0 {
		t.Fatalf("--allow-empty: %s, %v", sum, err)
	}
}

// Connection problems are one clear error each, and change nothing.
func TestErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tr := newTree(t)
	cfg := tr.config(newAgency(t, "ldap-errors"))
	for _, c := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"bad password", func(c *Config) { c.BindPassword = "falsch" }, "bind as " + ldapEnv.bindDN + ": invalid credentials"},
		{"bad base DN", func(c *Config) { c.BaseDN = "o=gibt-es-nicht," + ldapEnv.baseDN }, "no such object"},
		{"unreachable", func(c *Config) { c.URL = "ldap://127.0.0.1:1" }, "connect to ldap://127.0.0.1:1:"},
	} {
		c2 := cfg
		c.edit(&c2)
		_, err := Run(ctx, db.Pool, c2)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line with %q", c.name, err, c.want)
		}
	}
}

func TestParseMapping(t *testing.T) {
	m, err := ParseMapping("phone=mobile, unit=departmentNumber,location=")
	if err != nil {
		t.Fatal(err)
	}
	if m.Phone != "mobile" || m.Unit != "departmentNumber" || m.Location != "" || m.Name != "cn" || m.Mail != "mail" {
		t.Errorf("%+v", m)
	}
	for _, bad := range []string{"foo=bar", "name=", "phone", "title=a b"} {
		if _, err := ParseMapping(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestCanonicalDN(t *testing.T) {
	got, err := canonicalDN("CN=Anna Müller,OU=Referat Z1, ou=Abteilung\\, Z,dc=Fachnetz,dc=test")
	if err != nil {
		t.Fatal(err)
	}
	if want := `cn=anna müller,ou=referat z1,ou=abteilung\, z,dc=fachnetz,dc=test`; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if p := parentDN(got); p != `ou=referat z1,ou=abteilung\, z,dc=fachnetz,dc=test` {
		t.Errorf("parent %q", p)
	}
	if p := parentDN(`ou=abteilung\, z,dc=test`); p != "dc=test" {
		t.Errorf("parent %q", p)
	}
}
