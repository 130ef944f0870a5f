package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"
)

// Config is the validated configuration of a fachnetz process.
type Config struct {
	Addr            string
	DatabaseURL     string
	MeiliURL        string
	MeiliKey        string
	MeiliIndex      string
	DataDir         string
	BaseURL         *url.URL
	LogLevel        slog.Level
	Migrate         bool
	ShutdownTimeout time.Duration

	SessionIdle        time.Duration
	SessionMax         time.Duration
	MaxFailures        int
	MaxAddressFailures int
	LockDuration       time.Duration
	TrustedProxies     []string
	MetricsToken       string       // bearer token that may read /metrics from anywhere
	MetricsFrom        []*net.IPNet // client addresses that may read /metrics without it

	MaxUploadBytes int64
	TrashDays      int
	WordList       string
	StatsK         int

	WebhookAllowPrivate bool
	WebhookOffAfter     time.Duration

	OIDCIssuer        string
	OIDCClientID      string
	OIDCClientSecret  string
	OIDCAgencyClaim   string
	OIDCGroupsClaim   string
	OIDCDefaultAgency string

	SMTPHost     string
	SMTPPort     int
	SMTPTLS      string
	SMTPUser     string
	SMTPPassword string
	SMTPFrom     string
	DigestHour   int

	MatrixHomeserver string
	MatrixToken      string
	MatrixUser       string

	MailIn MailInConfig
}

// configError is a configuration mistake; it ends the process with status 2.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

// loadConfig reads the environment, lets flags override it, and validates
// every value, naming the variable of the first that is wrong.
func loadConfig(fs *flag.FlagSet, args []string, getenv func(string) string) (*Config, error) {
	cfg, rest, err := loadConfigArgs(fs, args, getenv)
	if err == nil && len(rest) > 0 {
		return nil, &configError{fmt.Sprintf("unexpected argument %q", rest[0])}
	}
	return cfg, err
}

// loadConfigArgs is loadConfig for commands that take arguments besides
// flags; flags may stand before, between and after them.
func loadConfigArgs(fs *flag.FlagSet, args []string, getenv func(string) string) (*Config, []string, error) {
	all := settings()
	for _, s := range all {
		// The default shown by -h is the built-in one, never the
		// environment's value: that may hold a password.
		fs.StringVar(&s.value, s.flag, s.def, s.usage+" ("+s.env+")")
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range all {
		if v, ok := lookup(getenv, s.env); ok && !isFlagSet(fs, s.flag) {
			s.value = v
		}
	}
	c := &Config{}
	for _, s := range all {
		if err := s.apply(c, strings.TrimSpace(s.value)); err != nil {
			return nil, nil, &configError{fmt.Sprintf("%s (--%s) %s", s.env, s.flag, err)}
		}
	}
	if err := c.check(); err != nil {
		return nil, nil, err
	}
	return c, rest, nil
}

func lookup(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// parseFlags parses quietly, so that a mistake is one line; only an explicit
// -h prints the list of flags. Flags may follow positional arguments
// ("agencies add SLUG --name N"); the positional ones are returned.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	defer fs.SetOutput(out)
	var rest []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(out, "Usage of %s:\n", fs.Name())
			fs.PrintDefaults()
		}
		if err != nil {
			return nil, flagError(err)
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// flagError keeps a help request recognisable and makes any other flag
// mistake a configuration error.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return &configError{err.Error()}
}
