// Package ldapimport brings people and organisation units from an LDAP
// directory (Active Directory, OpenLDAP) into accounts, profiles and
// org_units: `fachnetz import ldap`.
//
// The directory owns the name, the e-mail address and the directory fields
// of a profile (position, phone, location, unit, manager); the person owns
// everything else (tasks, ask_me_about, languages, skills, hidden, consent),
// which the import never writes.
package ldapimport

import (
	"fmt"
	"strings"
	"time"
)

// DefaultFilter selects the people when Config.Filter is empty.
const DefaultFilter = "(objectClass=inetOrgPerson)"

// DefaultMapping is the attribute mapping of an inetOrgPerson directory.
const DefaultMapping = "name=cn,mail=mail,phone=telephoneNumber,title=title,unit=ou,manager=manager,location=l"

// Config says where the directory is and how to read it.
type Config struct {
	URL          string // ldap://host:389 or ldaps://host:636
	BindDN       string // empty: anonymous
	BindPassword string
	BaseDN       string // where the people are searched (subtree)
	Filter       string // DefaultFilter when empty
	// UnitsBaseDN is where the organizationalUnit entries live (subtree);
	// BaseDN when empty.
	UnitsBaseDN string
	AgencyID    int64 // the agency the people belong to
	Map         Mapping
	// AllowEmpty lets a search without results mark everyone as left.
	AllowEmpty bool
	Timeout    time.Duration // per LDAP operation; 30s when zero
}

// Mapping names the LDAP attribute behind each field. An empty attribute
// (phone=) means the field is not imported and left as it is.
type Mapping struct {
	Name, Mail, Phone, Title, Unit, Manager, Location string
}

// ParseMapping reads "field=attribute,…" on top of DefaultMapping, so that
// "phone=mobile" changes only the phone.
func ParseMapping(s string) (Mapping, error) {
	m := Mapping{}
	if err := m.apply(DefaultMapping); err != nil {
		return m, err
	}
	if err := m.apply(s); err != nil {
		return m, err
	}
	if m.Name == "" || m.Mail == "" {
		return m, fmt.Errorf("mapping: name and mail need an attribute")
	}
	return m, nil
}

func (m *Mapping) apply(s string) error {
	fields := map[string]*string{
		"name": &m.Name, "mail": &m.Mail, "phone": &m.Phone, "title": &m.Title,
		"unit": &m.Unit, "manager": &m.Manager, "location": &m.Location,
	}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		p := fields[k]
		if !ok || p == nil {
			return fmt.Errorf("mapping: %q is not field=attribute with a field of name, mail, phone, title, unit, manager, location", part)
		}
		if strings.ContainsAny(v, " =()*\\") {
			return fmt.Errorf("mapping: %q is not an attribute name", v)
		}
		*p = v
	}
	return nil
}

func (m Mapping) attributes() []string {
	var attrs []string
	for _, a := range []string{m.Name, m.Mail, m.Phone, m.Title, m.Unit, m.Manager, m.Location} {
		if a != "" {
			attrs = append(attrs, a)
		}
	}
	return attrs
}

// Summary counts what a run did. Entries is what the search returned;
// Created+Updated+Unchanged+Skipped = Entries.
type Summary struct {
	Entries, Created, Updated, Unchanged, Skipped, Left int
	UnitsCreated, UnitsUpdated, UnitsRemoved            int
	// Problems lists the entries that were skipped, one line each.
	Problems []string
}

func (s Summary) String() string {
	line := fmt.Sprintf("ldap import: %d entries, created %d, updated %d, unchanged %d, left %d, units created %d updated %d removed %d",
		s.Entries, s.Created, s.Updated, s.Unchanged, s.Left, s.UnitsCreated, s.UnitsUpdated, s.UnitsRemoved)
	if s.Skipped > 0 {
		line += fmt.Sprintf(", skipped %d", s.Skipped)
	}
	return line
}
