package main

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// setting is one configuration value: its environment variable, its flag,
// and the check that turns the text into a Config field.
type setting struct {
	env, flag, def, usage string
	value                 string
	apply                 func(c *Config, v string) error
}

func settings() []*setting {
	return append([]*setting{
		{env: "FACHNETZ_ADDR", flag: "addr", def: "127.0.0.1:8080", usage: "address to listen on (host:port)",
			apply: func(c *Config, v string) error {
				_, port, err := net.SplitHostPort(v)
				if err != nil {
					return fmt.Errorf("want host:port, for example 127.0.0.1:8080")
				}
				if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
					return fmt.Errorf("port %q is not a number from 0 to 65535", port)
				}
				c.Addr = v
				return nil
			}},
		{env: "FACHNETZ_DATABASE_URL", flag: "database-url", usage: "PostgreSQL connection URL (required)",
			apply: func(c *Config, v string) error {
				if v == "" {
					return fmt.Errorf("is required, for example postgres://fachnetz:secret@127.0.0.1:5432/fachnetz")
				}
				if u, err := url.Parse(v); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
					return fmt.Errorf("want a postgres:// URL")
				}
				c.DatabaseURL = v
				return nil
			}},
		{env: "FACHNETZ_MEILI_URL", flag: "meili-url", def: "http://127.0.0.1:7700", usage: "Meilisearch URL",
			apply: func(c *Config, v string) error {
				if _, ok := httpURL(v); !ok {
					return fmt.Errorf("want an http:// or https:// URL")
				}
				c.MeiliURL = strings.TrimRight(v, "/")
				return nil
			}},
		{env: "FACHNETZ_MEILI_KEY", flag: "meili-key", usage: "Meilisearch API key",
			apply: func(c *Config, v string) error { c.MeiliKey = v; return nil }},
		{env: "FACHNETZ_MEILI_KEY_FILE", flag: "meili-key-file", usage: "file holding the Meilisearch API key, instead of FACHNETZ_MEILI_KEY", apply: readMeiliKeyFile},
		{env: "FACHNETZ_MEILI_INDEX", flag: "meili-index", def: "fachnetz", usage: "name of the Meilisearch index (several instances may share one Meilisearch)",
			apply: func(c *Config, v string) error {
				if !meiliUID.MatchString(v) {
					return fmt.Errorf("want letters, digits, - and _ only")
				}
				c.MeiliIndex = v
				return nil
			}},
		{env: "FACHNETZ_DATA_DIR", flag: "data-dir", def: "data", usage: "directory for attachments and the key that seals the trends' daily keys (stats.key)",
			apply: func(c *Config, v string) error {
				if v == "" {
					return fmt.Errorf("must not be empty")
				}
				c.DataDir = v
				return nil
			}},
		{env: "FACHNETZ_BASE_URL", flag: "base-url", def: "http://127.0.0.1:8080", usage: "public URL of this instance",
			apply: func(c *Config, v string) error {
				u, ok := httpURL(v)
				if !ok {
					return fmt.Errorf("want an absolute http:// or https:// URL")
				}
				c.BaseURL = u
				return nil
			}},
		{env: "FACHNETZ_LOG_LEVEL", flag: "log-level", def: "info", usage: "debug, info, warn or error",
			apply: func(c *Config, v string) error {
				if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
					return fmt.Errorf("want debug, info, warn or error")
				}
				return nil
			}},
		{env: "FACHNETZ_MIGRATE", flag: "migrate", def: "true", usage: "apply migrations at start",
			apply: yesNo(func(c *Config, b bool) { c.Migrate = b })},
		{env: "FACHNETZ_SHUTDOWN_TIMEOUT", flag: "shutdown-timeout", def: "20s", usage: "time to finish requests on shutdown",
			apply: func(c *Config, v string) error {
				d, err := time.ParseDuration(v)
				if err != nil || d < 0 {
					return fmt.Errorf("want a duration such as 20s")
				}
				c.ShutdownTimeout = d
				return nil
			}},
		duration("FACHNETZ_SESSION_IDLE", "session-idle", "8h", "sign out after this long without a request", func(c *Config) *time.Duration { return &c.SessionIdle }),
		duration("FACHNETZ_SESSION_MAX", "session-max", "168h", "sign out this long after sign-in in any case", func(c *Config) *time.Duration { return &c.SessionMax }),
		count("FACHNETZ_SIGNIN_MAX_FAILURES", "signin-max-failures", "5", "wrong passwords in a row before an account is locked", func(c *Config) *int { return &c.MaxFailures }),
		count("FACHNETZ_SIGNIN_MAX_ADDRESS_FAILURES", "signin-max-address-failures", "20", "failed sign-ins from one client address before it is locked", func(c *Config) *int { return &c.MaxAddressFailures }),
		duration("FACHNETZ_SIGNIN_LOCK", "signin-lock", "15m", "how long a sign-in lock lasts", func(c *Config) *time.Duration { return &c.LockDuration }),
		{env: "FACHNETZ_MAX_UPLOAD_MB", flag: "max-upload-mb", def: "25", usage: "largest attachment in megabytes",
			apply: whole(1, 2048, "want a whole number of megabytes from 1 to 2048", func(c *Config, n int) { c.MaxUploadBytes = int64(n) << 20 })},
		{env: "FACHNETZ_TRASH_DAYS", flag: "trash-days", def: "30", usage: "days deleted content stays restorable in a space's trash before it is purged",
			apply: whole(1, 3650, "want a whole number of days from 1 to 3650", func(c *Config, n int) { c.TrashDays = n })},
		{env: "FACHNETZ_WORDLIST", flag: "wordlist", def: "/usr/share/dict/ngerman",
			usage: "German word list (Debian package wngerman) for splitting compound words in search; none turns splitting off",
			apply: func(c *Config, v string) error { c.WordList = v; return nil }},
		{env: "FACHNETZ_TRENDS_K", flag: "trends-k", def: "5", usage: "people a trend figure needs before it is shown (at least 5)",
			apply: whole(5, math.MaxInt, "want a whole number of at least 5: fewer people could be singled out", func(c *Config, n int) { c.StatsK = n })},
		{env: "FACHNETZ_WEBHOOK_ALLOW_PRIVATE", flag: "webhook-allow-private", def: "false",
			usage: "allow webhook endpoints on loopback, private and link-local addresses (tests, closed networks)",
			apply: yesNo(func(c *Config, b bool) { c.WebhookAllowPrivate = b })},
		duration("FACHNETZ_WEBHOOK_OFF_AFTER", "webhook-off-after", "72h", "a webhook whose deliveries fail this long is switched off", func(c *Config) *time.Duration { return &c.WebhookOffAfter }),
		{env: "FACHNETZ_TRUSTED_PROXIES", flag: "trusted-proxies", usage: "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed",
			apply: func(c *Config, v string) error {
				for _, p := range strings.Split(v, ",") {
					if p = strings.TrimSpace(p); p == "" {
						continue
					}
					if net.ParseIP(p) == nil {
						if _, _, err := net.ParseCIDR(p); err != nil {
							return fmt.Errorf("%q is neither an IP address nor a CIDR", p)
						}
					}
					c.TrustedProxies = append(c.TrustedProxies, p)
				}
				return nil
			}},
		{env: "FACHNETZ_OIDC_ISSUER", flag: "oidc-issuer", usage: "issuer URL of the OpenID provider; empty turns OIDC sign-in off",
			apply: optionalURL(func(c *Config, v string) { c.OIDCIssuer = v })},
		text("FACHNETZ_OIDC_CLIENT_ID", "oidc-client-id", "", "client id registered at the provider", func(c *Config) *string { return &c.OIDCClientID }),
		text("FACHNETZ_OIDC_CLIENT_SECRET", "oidc-client-secret", "", "client secret", func(c *Config) *string { return &c.OIDCClientSecret }),
		text("FACHNETZ_OIDC_AGENCY_CLAIM", "oidc-agency-claim", "agency", "ID token claim with the agency's slug", func(c *Config) *string { return &c.OIDCAgencyClaim }),
		text("FACHNETZ_OIDC_GROUPS_CLAIM", "oidc-groups-claim", "groups", "ID token claim with the person's group slugs; empty: groups are not synchronised", func(c *Config) *string { return &c.OIDCGroupsClaim }),
		text("FACHNETZ_OIDC_DEFAULT_AGENCY", "oidc-default-agency", "", "agency of people whose token names none", func(c *Config) *string { return &c.OIDCDefaultAgency }),
		text("FACHNETZ_SMTP_HOST", "smtp-host", "", "mail server for notifications; empty turns e-mail off", func(c *Config) *string { return &c.SMTPHost }),
		{env: "FACHNETZ_SMTP_PORT", flag: "smtp-port", def: "587", usage: "mail server port (587 for STARTTLS, 465 for TLS)",
			apply: whole(1, 65535, "want a port number from 1 to 65535", func(c *Config, n int) { c.SMTPPort = n })},
		{env: "FACHNETZ_SMTP_TLS", flag: "smtp-tls", def: "starttls", usage: "starttls (required), tls (implicit TLS) or none (only for a relay on the same machine)",
			apply: func(c *Config, v string) error {
				if v != "starttls" && v != "tls" && v != "none" {
					return fmt.Errorf("want starttls, tls or none")
				}
				c.SMTPTLS = v
				return nil
			}},
		text("FACHNETZ_SMTP_USER", "smtp-user", "", "user name at the mail server; empty: no authentication", func(c *Config) *string { return &c.SMTPUser }),
		text("FACHNETZ_SMTP_PASSWORD", "smtp-password", "", "password at the mail server", func(c *Config) *string { return &c.SMTPPassword }),
		text("FACHNETZ_SMTP_FROM", "smtp-from", "", "sender address of notifications, e.g. fachnetz@behoerde.de", func(c *Config) *string { return &c.SMTPFrom }),
		{env: "FACHNETZ_DIGEST_HOUR", flag: "digest-hour", def: "7", usage: "local hour (0–23) daily and weekly digests go out; weekly ones on Mondays",
			apply: whole(0, 23, "want an hour from 0 to 23", func(c *Config, n int) { c.DigestHour = n })},
		{env: "FACHNETZ_MATRIX_HOMESERVER", flag: "matrix-homeserver", usage: "base URL of the Matrix homeserver of the bot account; empty turns Matrix off",
			apply: optionalURL(func(c *Config, v string) { c.MatrixHomeserver = v })},
		text("FACHNETZ_MATRIX_TOKEN", "matrix-token", "", "access token of the bot account", func(c *Config) *string { return &c.MatrixToken }),
		text("FACHNETZ_MATRIX_USER", "matrix-user", "", "user id of the bot account, e.g. @fachnetz:matrix.behoerde.de", func(c *Config) *string { return &c.MatrixUser }),
	}, append(metricsSettings(), mailInSettings()...)...)
}

func duration(env, flag, def, usage string, field func(*Config) *time.Duration) *setting {
	return &setting{env: env, flag: flag, def: def, usage: usage, apply: func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("want a positive duration such as 15m or 8h")
		}
		*field(c) = d
		return nil
	}}
}

func count(env, flag, def, usage string, field func(*Config) *int) *setting {
	return &setting{env: env, flag: flag, def: def, usage: usage,
		apply: whole(1, math.MaxInt, "want a whole number of at least 1", func(c *Config, n int) { *field(c) = n })}
}

// optionalURL takes an http(s) URL, or nothing, which turns what it names
// off.
func optionalURL(set func(c *Config, v string)) func(*Config, string) error {
	return func(c *Config, v string) error {
		if _, ok := httpURL(v); v != "" && !ok {
			return errors.New("want an http:// or https:// URL")
		}
		set(c, v)
		return nil
	}
}

// yesNo reads true or false (also 1 and 0, t and f).
func yesNo(set func(c *Config, b bool)) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("want true or false")
		}
		set(c, b)
		return nil
	}
}

// httpURL parses v as an absolute http(s) URL.
func httpURL(v string) (*url.URL, bool) {
	u, err := url.Parse(v)
	return u, err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// whole reads a whole number from lo to hi; want tells the operator what
// to give instead.
func whole(lo, hi int, want string, set func(c *Config, n int)) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return errors.New(want)
		}
		set(c, n)
		return nil
	}
}

func text(env, flag, def, usage string, field func(*Config) *string) *setting {
	return &setting{env: env, flag: flag, def: def, usage: usage, apply: func(c *Config, v string) error {
		*field(c) = v
		return nil
	}}
}

var meiliUID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
