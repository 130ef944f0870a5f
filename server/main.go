// Command fachnetz is the Fachnetz server and its operator commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/gin-gonic/gin"
)

// version is set at build time with -ldflags "-X main.version=…"; builds
// without it report the module version Go recorded.
var version = ""

const usage = `Usage: fachnetz <command> [flags]

Commands:
  serve         run the web server (migrates first unless --migrate=false)
  migrate       apply database migrations and exit
  version       print the version
  healthcheck   exit 0 when the local server answers /healthz (for containers)
  agencies      add|list agencies (tenants)
  users         add|list|disable|token accounts
  groups        add|add-member|list groups
  seed          put demo content into an empty instance
  routes        list every HTTP route as "METHOD PATH", sorted
  reindex       rebuild the search index from PostgreSQL and swap it in
  backup        write a consistent backup DIR (database, attachments, manifest) while the server runs
  restore       restore a backup DIR into an empty database and data directory
  notify test   send a test e-mail (--to EMAIL) or Matrix message (--matrix @user:server)
  import        import stackexchange DIR --space SLUG, import markdown ZIP --space SLUG,
                or import ldap --url … --agency SLUG

Run "fachnetz <command> -h" for the flags of a command. Every flag can also
be set through its FACHNETZ_* environment variable.
`

func main() {
	gin.SetMode(gin.ReleaseMode)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is what a command receives from its process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command func(ctx context.Context, e env, args []string) error

// run executes one subcommand and turns its error into one line on stderr
// and an exit status: 2 for a usage or configuration mistake, 1 otherwise.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	commands := map[string]command{
		"serve":       serveCommand,
		"migrate":     migrateCommand,
		"version":     versionCommand,
		"healthcheck": healthcheckCommand,
		"routes":      routesCommand,
		"users":       usersCommand().run,
		"agencies":    agenciesCommand().run,
		"groups":      groupsCommand().run,
		"seed":        seedCommand,
		"reindex":     reindexCommand,
		"backup":      backupCommand,
		"restore":     restoreCommand,
		"import":      importCommand().run,
		"notify":      notifyCommand().run,
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "fachnetz: unknown command %q; run \"fachnetz help\" for the list\n", args[0])
		return 2
	}
	err := cmd(ctx, env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}, args[1:])
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "fachnetz: %s\n", err)
	var ce *configError
	if errors.As(err, &ce) {
		return 2
	}
	return 1
}

func newFlags(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("fachnetz "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

func versionString() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

func versionCommand(_ context.Context, e env, args []string) error {
	fs := newFlags("version", e)
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return &configError{fmt.Sprintf("unexpected argument %q", rest[0])}
	}
	fmt.Fprintln(e.stdout, "fachnetz", versionString())
	return nil
}
