package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"
)

// MailInConfig is the SMTP listener through which mail comes in: threads
// forwarded into spaces and replies to notifications.
type MailInConfig struct {
	Listen  string // "" turns mail-in off
	Address string // the mailbox the agency's gateway routes here
	TLSCert string // certificate and key for STARTTLS; empty: none
	TLSKey  string
}

func mailInSettings() []*setting {
	return []*setting{
		{env: "FACHNETZ_MAIL_IN_LISTEN", flag: "mail-in-listen", usage: "host:port of the SMTP listener for incoming mail, e.g. 127.0.0.1:2525; empty turns it off",
			apply: func(c *Config, v string) error {
				if v != "" {
					if _, _, err := net.SplitHostPort(v); err != nil {
						return fmt.Errorf("want host:port")
					}
				}
				c.MailIn.Listen = v
				return nil
			}},
		text("FACHNETZ_MAIL_IN_ADDRESS", "mail-in-address", "", "the mailbox routed to the listener, e.g. fachnetz@behoerde.de; spaces get fachnetz+<space>@…",
			func(c *Config) *string { return &c.MailIn.Address }),
		text("FACHNETZ_MAIL_IN_TLS_CERT", "mail-in-tls-cert", "", "PEM certificate offered with STARTTLS", func(c *Config) *string { return &c.MailIn.TLSCert }),
		text("FACHNETZ_MAIL_IN_TLS_KEY", "mail-in-tls-key", "", "PEM key of that certificate", func(c *Config) *string { return &c.MailIn.TLSKey }),
	}
}

func (m MailInConfig) check() error {
	if m.Listen == "" {
		return nil
	}
	if m.Address == "" || strings.Count(m.Address, "@") != 1 || strings.ContainsAny(m.Address, "+ <>") {
		return &configError{"FACHNETZ_MAIL_IN_ADDRESS (--mail-in-address) must be a plain address like fachnetz@behoerde.de when FACHNETZ_MAIL_IN_LISTEN is set"}
	}
	if (m.TLSCert == "") != (m.TLSKey == "") {
		return &configError{"FACHNETZ_MAIL_IN_TLS_CERT and FACHNETZ_MAIL_IN_TLS_KEY go together"}
	}
	return nil
}

// tls loads the STARTTLS certificate, nil when none is configured.
func (m MailInConfig) tls() (*tls.Config, error) {
	if m.TLSCert == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(m.TLSCert, m.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("mail-in certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}
