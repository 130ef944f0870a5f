package ldapimport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-ldap/ldap/v3"
)

// unit is an organizationalUnit entry; dn and parent are canonical.
type unit struct {
	dn, parent, name string
}

// person is one entry of the people search, mapped to our fields.
type person struct {
	dn, name, mail, phone, title, location, manager string
	unitAttr                                        string // value of the unit attribute, DN or name
	unitDN                                          string // resolved later; "" for none
}

// directory is what one run read from LDAP.
type directory struct {
	units  []unit // parents before children
	people []person
}

// read connects, binds and runs both searches. Errors name the step that
// failed: connect, bind, or search under which base.
func read(ctx context.Context, cfg Config) (*directory, error) {
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	conn, err := ldap.DialURL(cfg.URL, ldap.DialWithDialer(&net.Dialer{Timeout: timeout}))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", cfg.URL, unwrapLDAP(err))
	}
	defer conn.Close()
	conn.SetTimeout(timeout)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	if cfg.BindDN != "" {
		if err := conn.Bind(cfg.BindDN, cfg.BindPassword); err != nil {
			return nil, fmt.Errorf("bind as %s: %w", cfg.BindDN, unwrapLDAP(err))
		}
	}

	unitsBase := cfg.UnitsBaseDN
	if unitsBase == "" {
		unitsBase = cfg.BaseDN
	}
	res, err := searchAll(conn, unitsBase, "(objectClass=organizationalUnit)", []string{"ou"})
	if err != nil {
		return nil, err
	}
	dir := &directory{}
	known := map[string]bool{}
	for _, e := range res {
		dn, err := canonicalDN(e.DN)
		if err != nil {
			return nil, fmt.Errorf("unit %q: %w", e.DN, err)
		}
		name := rdnValue(e.DN, "ou")
		if name == "" {
			name = e.GetEqualFoldAttributeValue("ou")
		}
		if name == "" {
			continue // not addressable by name; its people fall to the next unit up
		}
		dir.units = append(dir.units, unit{dn: dn, name: clip(name, 200)})
		known[dn] = true
	}
	// Parent: the nearest ancestor that is a unit too. Sorting by depth puts
	// parents first, so that the store can insert in this order.
	for i := range dir.units {
		dir.units[i].parent = nearestUnit(parentDN(dir.units[i].dn), known)
	}
	sortByDepth(dir.units)

	filter := cfg.Filter
	if filter == "" {
		filter = DefaultFilter
	}
	res, err = searchAll(conn, cfg.BaseDN, filter, cfg.Map.attributes())
	if err != nil {
		return nil, err
	}
	for _, e := range res {
		dn, err := canonicalDN(e.DN)
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w", e.DN, err)
		}
		get := func(attr string) string {
			if attr == "" {
				return ""
			}
			return strings.TrimSpace(e.GetEqualFoldAttributeValue(attr))
		}
		p := person{
			dn: dn, name: clip(get(cfg.Map.Name), 200), mail: get(cfg.Map.Mail),
			phone: clip(get(cfg.Map.Phone), 50), title: clip(get(cfg.Map.Title), 200),
			location: clip(get(cfg.Map.Location), 200), unitAttr: get(cfg.Map.Unit),
		}
		if m := get(cfg.Map.Manager); m != "" {
			if p.manager, err = canonicalDN(m); err != nil {
				p.manager = m // not a DN (a name, an id): kept as the directory has it
			}
		}
		p.unitDN = dir.resolveUnit(p, known)
		dir.people = append(dir.people, p)
	}
	return dir, nil
}

// resolveUnit finds the person's unit: the unit attribute when it names a
// known unit (by DN, or by a name that only one unit has), otherwise the
// nearest ou above the entry's own DN.
func (d *directory) resolveUnit(p person, known map[string]bool) string {
	if v := p.unitAttr; v != "" {
		if dn, err := canonicalDN(v); err == nil && strings.Contains(v, "=") && known[dn] {
			return dn
		}
		found := ""
		for _, u := range d.units {
			if strings.EqualFold(u.name, v) {
				if found != "" {
					found = ""
					break // ambiguous: the DN decides
				}
				found = u.dn
			}
		}
		if found != "" {
			return found
		}
	}
	return nearestUnit(parentDN(p.dn), known)
}

func searchAll(conn *ldap.Conn, base, filter string, attrs []string) ([]*ldap.Entry, error) {
	req := ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil)
	res, err := conn.SearchWithPaging(req, 500)
	if err != nil {
		return nil, fmt.Errorf("search %s under %s: %w", filter, base, unwrapLDAP(err))
	}
	return res.Entries, nil
}

// unwrapLDAP shortens go-ldap's errors to what a person needs: "LDAP Result
// Code 49 "Invalid Credentials": " becomes "invalid credentials".
func unwrapLDAP(err error) error {
	var le *ldap.Error
	if errors.As(err, &le) {
		if le.ResultCode == ldap.ErrorNetwork && le.Err != nil {
			return le.Err
		}
		text := strings.ToLower(ldap.LDAPResultCodeMap[le.ResultCode])
		if text == "" {
			return err
		}
		if le.Err != nil && le.Err.Error() != "" {
			return fmt.Errorf("%s (%s)", text, le.Err.Error())
		}
		return errors.New(text)
	}
	return err
}

// canonicalDN writes a DN the same way whatever its spelling in the
// directory: attribute types and values in lower case (the usual naming
// attributes compare case-insensitively), no spaces, RFC 4514 escapes.
// ldap_dn and manager_dn hold this form, so that they compare with =.
func canonicalDN(s string) (string, error) {
	dn, err := ldap.ParseDN(s)
	if err != nil {
		return "", err
	}
	if len(dn.RDNs) == 0 {
		return "", errors.New("empty DN")
	}
	rdns := make([]string, len(dn.RDNs))
	for i, rdn := range dn.RDNs {
		parts := make([]string, len(rdn.Attributes))
		for j, a := range rdn.Attributes {
			parts[j] = strings.ToLower(a.Type) + "=" + ldap.EscapeDN(strings.ToLower(a.Value))
		}
		rdns[i] = strings.Join(parts, "+")
	}
	return strings.Join(rdns, ","), nil
}

// parentDN cuts the first RDN off a canonical DN ("" at the top).
func parentDN(dn string) string {
	for i := 0; i < len(dn); i++ {
		switch dn[i] {
		case '\\':
			i++ // escaped character, possibly a comma
		case ',':
			return dn[i+1:]
		}
	}
	return ""
}

func nearestUnit(dn string, known map[string]bool) string {
	for ; dn != ""; dn = parentDN(dn) {
		if known[dn] {
			return dn
		}
	}
	return ""
}

func depth(dn string) int {
	n := 0
	for ; dn != ""; dn = parentDN(dn) {
		n++
	}
	return n
}

func sortByDepth(units []unit) {
	// Stable, so that units of one level keep the directory's order.
	slices.SortStableFunc(units, func(a, b unit) int { return depth(a.dn) - depth(b.dn) })
}

// rdnValue is the value of the entry's own RDN when its type is attr, in
// the directory's spelling (not lower-cased).
func rdnValue(s, attr string) string {
	dn, err := ldap.ParseDN(s)
	if err != nil || len(dn.RDNs) == 0 {
		return ""
	}
	for _, a := range dn.RDNs[0].Attributes {
		if strings.EqualFold(a.Type, attr) {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
