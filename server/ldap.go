package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/fachnetz/fachnetz/expertise/ldapimport"
)

// ldapSettings are the flags of `import ldap`; each may come from its
// environment variable instead, the flag winning. The bind password has no
// flag: a command line is visible to everyone on the machine (ps).
var ldapSettings = []struct{ flag, env, def, usage string }{
	{"url", "FACHNETZ_LDAP_URL", "", "directory URL, ldap://host:389 or ldaps://host:636 (required)"},
	{"bind-dn", "FACHNETZ_LDAP_BIND_DN", "", "DN to bind as; anonymous when empty"},
	{"base-dn", "FACHNETZ_LDAP_BASE_DN", "", "where to search for people, with the whole subtree (required)"},
	{"filter", "FACHNETZ_LDAP_FILTER", ldapimport.DefaultFilter, "LDAP filter selecting the people"},
	{"units-base-dn", "FACHNETZ_LDAP_UNITS_BASE_DN", "", "where the organizationalUnit entries live (default: --base-dn)"},
	{"agency", "FACHNETZ_LDAP_AGENCY", "", "slug of the agency the people belong to (required)"},
	{"map", "FACHNETZ_LDAP_MAP", ldapimport.DefaultMapping, "attribute mapping field=attribute,… (fields: name, mail, phone, title, unit, manager, location); given fields replace the defaults"},
	{"allow-empty", "FACHNETZ_LDAP_ALLOW_EMPTY", "false", "accept a search without results and mark everyone as left"},
}

// ldapFlags registers the flags of `import ldap`.
func ldapFlags(fs *flag.FlagSet) {
	for _, s := range ldapSettings {
		fs.String(s.flag, s.def, s.usage+" ("+s.env+")")
	}
	fs.Bool("bind-password-stdin", false, "read the bind password from the first line of standard input (or set FACHNETZ_LDAP_BIND_PASSWORD)")
}

// ldapVerb is `fachnetz import ldap`: people and organisation units from a
// directory into one agency. It prints one summary line; entries it had to
// skip are listed on standard error first.
func ldapVerb(ctx context.Context, op *operator, args []string) error {
	const usage = "import ldap --url URL --base-dn DN --agency SLUG [--bind-dn DN --bind-password-stdin] [--filter F] [--units-base-dn DN] [--map M] [--allow-empty]"
	if err := wantArgs(args, 0, usage); err != nil {
		return err
	}
	get := func(name string) string {
		for _, s := range ldapSettings {
			if s.flag == name && !op.isSet(name) {
				if v, ok := lookup(op.env.getenv, s.env); ok {
					return strings.TrimSpace(v)
				}
			}
		}
		return strings.TrimSpace(op.flag(name))
	}
	for _, name := range []string{"url", "base-dn", "agency"} {
		if get(name) == "" {
			return &configError{"import ldap: --" + name + " is required; usage: fachnetz " + usage}
		}
	}
	url := get("url")
	if !strings.HasPrefix(url, "ldap://") && !strings.HasPrefix(url, "ldaps://") {
		return &configError{fmt.Sprintf("import ldap: --url %q must start with ldap:// or ldaps://", url)}
	}
	mapping, err := ldapimport.ParseMapping(get("map"))
	if err != nil {
		return &configError{"import ldap: --map: " + err.Error()}
	}
	allowEmpty, err := strconv.ParseBool(get("allow-empty"))
	if err != nil {
		return &configError{fmt.Sprintf("import ldap: --allow-empty %q is not true or false", get("allow-empty"))}
	}
	password := op.env.getenv("FACHNETZ_LDAP_BIND_PASSWORD")
	if op.flag("bind-password-stdin") == "true" {
		if password, err = readLine(op.env.stdin); err != nil {
			return fmt.Errorf("import ldap: read bind password: %w", err)
		}
	}
	if get("bind-dn") != "" && password == "" {
		return &configError{"import ldap: --bind-dn needs a password: --bind-password-stdin or FACHNETZ_LDAP_BIND_PASSWORD"}
	}
	slug := get("agency")
	agency, err := op.accounts.AgencyBySlug(ctx, slug)
	if err != nil {
		return cliError(err, "import ldap: agency "+slug)
	}
	sum, err := ldapimport.Run(ctx, op.pool, ldapimport.Config{
		URL: url, BindDN: get("bind-dn"), BindPassword: password, BaseDN: get("base-dn"),
		Filter: get("filter"), UnitsBaseDN: get("units-base-dn"), AgencyID: agency.ID,
		Map: mapping, AllowEmpty: allowEmpty,
	})
	for _, p := range sum.Problems {
		fmt.Fprintln(op.env.stderr, "ldap import: "+p)
	}
	if err != nil {
		return fmt.Errorf("import ldap: %w", err)
	}
	fmt.Fprintln(op.env.stdout, sum)
	return nil
}
