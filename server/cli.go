package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/errs"
)

// operatorCommand is a subcommand with verbs (users add, groups add-member)
// that works on the database directly, for operators and scripts.
type operatorCommand struct {
	name  string
	verbs map[string]func(ctx context.Context, op *operator, args []string) error
	flags func(verb string, fs *flag.FlagSet)
}

// operator is what a verb works with.
type operator struct {
	env      env
	pool     *pgxpool.Pool
	accounts *auth.Store
	spaces   *policies.Store
	fs       *flag.FlagSet
	cfg      *Config
}

func (oc operatorCommand) run(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || oc.verbs[args[0]] == nil {
		verbs := make([]string, 0, len(oc.verbs))
		for v := range oc.verbs {
			verbs = append(verbs, v)
		}
		return &configError{fmt.Sprintf("usage: fachnetz %s <%s> …", oc.name, strings.Join(slices.Sorted(slices.Values(verbs)), "|"))}
	}
	verb := args[0]
	fs := newFlags(oc.name+" "+verb, e)
	if oc.flags != nil {
		oc.flags(verb, fs)
	}
	cfg, rest, err := loadConfigArgs(fs, args[1:], e.getenv)
	if err != nil {
		return err
	}
	return withPool(ctx, cfg, func(pool *pgxpool.Pool) error {
		op := &operator{env: e, pool: pool, accounts: auth.NewStore(pool), spaces: policies.NewStore(pool), fs: fs, cfg: cfg}
		return oc.verbs[verb](ctx, op, rest)
	})
}

func (op *operator) flag(name string) string { return op.fs.Lookup(name).Value.String() }

func (op *operator) isSet(name string) bool { return isFlagSet(op.fs, name) }

// cliError turns a store error into an English sentence for the terminal.
func cliError(err error, what string) error {
	if e, ok := errs.As(err); ok {
		if fe, ferr := frontend.New(); ferr == nil {
			args := make([]any, 0, 2*len(e.Args))
			for k, v := range e.Args {
				args = append(args, k, v)
			}
			return fmt.Errorf("%s: %s", what, fe.Translate("en", e.Key, args...))
		}
		return fmt.Errorf("%s: %s", what, e.Key)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func wantArgs(args []string, n int, usage string) error {
	if len(args) != n {
		return &configError{"usage: fachnetz " + usage}
	}
	return nil
}

func usersCommand() operatorCommand {
	return operatorCommand{
		name: "users",
		flags: func(verb string, fs *flag.FlagSet) {
			switch verb {
			case "add":
				fs.String("email", "", "e-mail address (required)")
				fs.String("name", "", "display name (required)")
				fs.String("agency", "", "slug of the agency (required)")
				fs.String("handle", "", "handle; derived from the e-mail address when empty")
				fs.Bool("password-stdin", false, "read the password from the first line of standard input")
				fs.Bool("admin", false, "make the account an instance admin")
				fs.Bool("knowledge-manager", false, "make the account a knowledge manager")
			case "list":
				fs.String("agency", "", "only accounts of this agency")
			case "disable":
				fs.Bool("enable", false, "enable the account again instead")
			case "token":
				fs.String("name", "command line", "name of the token")
			}
		},
		verbs: map[string]func(context.Context, *operator, []string) error{
			"add":     usersAdd,
			"list":    usersList,
			"disable": usersDisable,
			"token":   usersToken,
		},
	}
}

func usersAdd(ctx context.Context, op *operator, args []string) error {
	if err := wantArgs(args, 0, "users add --email E --name N --agency SLUG [--password-stdin] [--admin] [--knowledge-manager]"); err != nil {
		return err
	}
	email, name, slug := strings.TrimSpace(op.flag("email")), strings.TrimSpace(op.flag("name")), op.flag("agency")
	for flagName, v := range map[string]string{"email": email, "name": name, "agency": slug} {
		if v == "" {
			return &configError{"users add: --" + flagName + " is required"}
		}
	}
	if !strings.Contains(email, "@") {
		return &configError{fmt.Sprintf("users add: --email %q is not an e-mail address", email)}
	}
	agency, err := op.accounts.AgencyBySlug(ctx, slug)
	if err != nil {
		return cliError(err, "users add: agency "+slug)
	}
	var hash *string
	if op.flag("password-stdin") == "true" {
		password, err := readLine(op.env.stdin)
		if err != nil {
			return fmt.Errorf("users add: read password: %w", err)
		}
		if utf8.RuneCountInString(password) < auth.MinPasswordLength {
			return &configError{fmt.Sprintf("users add: the password must have at least %d characters", auth.MinPasswordLength)}
		}
		h, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		hash = &h
	}
	handle := op.flag("handle")
	if handle == "" {
		if handle, err = op.accounts.FreeHandle(ctx, email); err != nil {
			return err
		}
	}
	acc, err := op.accounts.CreateAccount(ctx, auth.NewAccount{
		AgencyID: agency.ID, Email: email, DisplayName: name, Handle: handle, PasswordHash: hash,
		Admin: op.flag("admin") == "true", KnowledgeManager: op.flag("knowledge-manager") == "true",
	})
	if err != nil {
		return cliError(err, "users add")
	}
	fmt.Fprintf(op.env.stdout, "created account @%s (%s) in %s\n", acc.Handle, acc.Email, agency.Slug)
	return nil
}

func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func usersList(ctx context.Context, op *operator, args []string) error {
	if err := wantArgs(args, 0, "users list [--agency SLUG]"); err != nil {
		return err
	}
	var agencyID int64
	if slug := op.flag("agency"); slug != "" {
		a, err := op.accounts.AgencyBySlug(ctx, slug)
		if err != nil {
			return cliError(err, "users list: agency "+slug)
		}
		agencyID = a.ID
	}
	list, err := op.accounts.Accounts(ctx, agencyID)
	if err != nil {
		return err
	}
	return printTable(op.env.stdout, "HANDLE\tE-MAIL\tNAME\tAGENCY\tROLES\tSTATUS", list, func(a auth.Account) string {
		var roles []string
		if a.IsAdmin {
			roles = append(roles, "admin")
		}
		if a.IsKnowledgeManager {
			roles = append(roles, "knowledge-manager")
		}
		status := "active"
		if a.DisabledAt != nil {
			status = "disabled"
		}
		return fmt.Sprintf("@%s\t%s\t%s\t%s\t%s\t%s", a.Handle, a.Email, a.DisplayName, a.AgencySlug, strings.Join(roles, ","), status)
	})
}

// printTable writes a header and a line for each item, their columns
// (split by tabs) aligned.
func printTable[T any](out io.Writer, header string, list []T, line func(T) string) error {
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, header)
	for _, it := range list {
		fmt.Fprintln(w, line(it))
	}
	return w.Flush()
}

func (op *operator) account(ctx context.Context, key string) (auth.Account, error) {
	if strings.Contains(key, "@") && !strings.HasPrefix(key, "@") {
		return op.accounts.AccountByEmail(ctx, key)
	}
	return op.accounts.AccountByHandle(ctx, strings.TrimPrefix(key, "@"))
}

func usersDisable(ctx context.Context, op *operator, args []string) error {
	if err := wantArgs(args, 1, "users disable EMAIL|HANDLE [--enable]"); err != nil {
		return err
	}
	acc, err := op.account(ctx, args[0])
	if err != nil {
		return cliError(err, "users disable: "+args[0])
	}
	enable := op.flag("enable") == "true"
	if err := op.accounts.SetDisabled(ctx, acc.ID, !enable); err != nil {
		return cliError(err, "users disable")
	}
	state := "disabled"
	if enable {
		state = "enabled"
	}
	fmt.Fprintf(op.env.stdout, "%s @%s\n", state, acc.Handle)
	return nil
}

// usersToken prints only the new token, so that scripts can capture it.
func usersToken(ctx context.Context, op *operator, args []string) error {
	if err := wantArgs(args, 1, "users token EMAIL|HANDLE [--name N]"); err != nil {
		return err
	}
	acc, err := op.account(ctx, args[0])
	if err != nil {
		return cliError(err, "users token: "+args[0])
	}
	if acc.DisabledAt != nil {
		return fmt.Errorf("users token: @%s is disabled", acc.Handle)
	}
	token, hash := auth.NewTokenSecret()
	if _, err := op.accounts.CreateToken(ctx, acc.ID, op.flag("name"), hash); err != nil {
		return err
	}
	fmt.Fprintln(op.env.stdout, token)
	return nil
}

// nameFlag gives the add verb of a command its --name of a noun.
func nameFlag(noun string) func(verb string, fs *flag.FlagSet) {
	return func(verb string, fs *flag.FlagSet) {
		if verb == "add" {
			fs.String("name", "", "name of the "+noun+" (required)")
		}
	}
}

// addNamed is the verb "add SLUG --name NAME" of command: create makes
// the thing and says what it made.
func addNamed(command string, create func(ctx context.Context, op *operator, slug, name string) (string, error)) func(context.Context, *operator, []string) error {
	return func(ctx context.Context, op *operator, args []string) error {
		if err := wantArgs(args, 1, command+" add SLUG --name NAME"); err != nil {
			return err
		}
		if op.flag("name") == "" {
			return &configError{command + " add: --name is required"}
		}
		made, err := create(ctx, op, args[0], op.flag("name"))
		if err != nil {
			return cliError(err, command+" add "+args[0])
		}
		fmt.Fprintln(op.env.stdout, made)
		return nil
	}
}

func agenciesCommand() operatorCommand {
	return operatorCommand{
		name:  "agencies",
		flags: nameFlag("agency"),
		verbs: map[string]func(context.Context, *operator, []string) error{
			"add": addNamed("agencies", func(ctx context.Context, op *operator, slug, name string) (string, error) {
				a, err := op.accounts.CreateAgency(ctx, slug, name)
				return fmt.Sprintf("created agency %s (%s)", a.Slug, a.Name), err
			}),
			"list": func(ctx context.Context, op *operator, args []string) error {
				if err := wantArgs(args, 0, "agencies list"); err != nil {
					return err
				}
				list, err := op.accounts.Agencies(ctx)
				if err != nil {
					return err
				}
				return printTable(op.env.stdout, "SLUG\tNAME", list, func(a auth.Agency) string {
					return a.Slug + "\t" + a.Name
				})
			},
		},
	}
}

func groupsCommand() operatorCommand {
	return operatorCommand{
		name:  "groups",
		flags: nameFlag("group"),
		verbs: map[string]func(context.Context, *operator, []string) error{
			"add": addNamed("groups", func(ctx context.Context, op *operator, slug, name string) (string, error) {
				g, err := op.spaces.CreateGroup(ctx, slug, name)
				return fmt.Sprintf("created group @%s (%s)", g.Slug, g.Name), err
			}),
			"add-member": func(ctx context.Context, op *operator, args []string) error {
				if err := wantArgs(args, 2, "groups add-member GROUP EMAIL|HANDLE"); err != nil {
					return err
				}
				g, err := op.spaces.GroupBySlug(ctx, strings.TrimPrefix(args[0], "@"))
				if err != nil {
					return cliError(err, "groups add-member: group "+args[0])
				}
				acc, err := op.account(ctx, args[1])
				if err != nil {
					return cliError(err, "groups add-member: account "+args[1])
				}
				if err := op.spaces.AddGroupMember(ctx, g.ID, acc.ID); err != nil {
					return err
				}
				fmt.Fprintf(op.env.stdout, "@%s is a member of @%s\n", acc.Handle, g.Slug)
				return nil
			},
			"list": func(ctx context.Context, op *operator, args []string) error {
				list, err := op.spaces.Groups(ctx)
				if err != nil {
					return err
				}
				return printTable(op.env.stdout, "SLUG\tNAME\tMEMBERS", list, func(g policies.Group) string {
					return fmt.Sprintf("@%s\t%s\t%d", g.Slug, g.Name, g.Members)
				})
			},
		},
	}
}
