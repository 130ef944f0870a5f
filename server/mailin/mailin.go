// Package mailin receives mail for Fachnetz on its own SMTP listener.
//
// One mailbox address is configured, e.g. fachnetz@behoerde.example; the
// agency's mail gateway routes that address and its plus-addressed forms
// (fachnetz+vergabe@…, fachnetz+r-…@…) to the listener. The part after
// "+" says what a mail is for, and the area registered for it decides
// whether to take it. A listener rather than an IMAP poller: nothing waits
// for a polling interval, Fachnetz holds no mailbox password, and a mail
// that cannot be taken is refused while the sender's server still holds
// it, so that its sender learns of it from their own mail system.
package mailin

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// Config says where the listener runs and which address it serves.
type Config struct {
	Address  string // the mailbox, e.g. "fachnetz@behoerde.example"
	MaxBytes int64  // larger mails are refused before they are read whole
	// TLS offers STARTTLS when set.
	TLS *tls.Config
	Log *slog.Logger
	// Timeout bounds the handling of one mail, including the database.
	Timeout time.Duration
}

// Message is one mail for one recipient.
type Message struct {
	Tag      string // what follows "+" in the recipient, lower case
	From     string // the address of the header From, lower case
	ReplyTo  string // the Reply-To address, if any, lower case
	Envelope string // the envelope sender (MAIL FROM)
	Raw      []byte
}

// Handler takes a mail. Returning a *Refusal refuses it permanently with
// its text; any other error asks the sending server to try again later.
type Handler func(ctx context.Context, m Message) error

// Refusal is a mail not taken, with the reason given to the sender.
type Refusal struct{ Reason string }

func (r *Refusal) Error() string { return "refused: " + r.Reason }

// Refuse returns a refusal with a reason the sender's mail system shows.
func Refuse(reason string) error { return &Refusal{Reason: reason} }

type route struct {
	prefix  string
	handler Handler
}

// Listener is the SMTP server.
type Listener struct {
	cfg          Config
	local        string // the mailbox's local part, lower case
	domain       string
	routes       []route
	server       *smtp.Server
	maxRecipient int
}

// New checks the configuration and returns a listener without routes.
func New(cfg Config) (*Listener, error) {
	at := strings.LastIndexByte(cfg.Address, '@')
	if at <= 0 || at == len(cfg.Address)-1 || strings.ContainsAny(cfg.Address, "+ <>") {
		return nil, fmt.Errorf("mail-in address %q: want a plain address like fachnetz@behoerde.example", cfg.Address)
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 25 << 20
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	l := &Listener{cfg: cfg, local: strings.ToLower(cfg.Address[:at]), domain: strings.ToLower(cfg.Address[at+1:]), maxRecipient: 10}
	s := smtp.NewServer(l)
	s.Domain = l.domain
	s.MaxMessageBytes = cfg.MaxBytes
	s.MaxRecipients = l.maxRecipient
	s.ReadTimeout = 2 * time.Minute
	s.WriteTimeout = 2 * time.Minute
	s.TLSConfig = cfg.TLS
	s.EnableSMTPUTF8 = true
	s.ErrorLog = slogLogger{cfg.Log}
	l.server = s
	return l, nil
}

// Handle sends mail whose tag starts with prefix to h; the longest
// matching prefix wins, and "" takes every other tag.
func (l *Listener) Handle(prefix string, h Handler) {
	l.routes = append(l.routes, route{prefix: prefix, handler: h})
}

// AddressFor is the address whose mail carries tag.
func (l *Listener) AddressFor(tag string) string {
	return l.local + "+" + tag + "@" + l.domain
}

// Serve accepts connections on ln until Close.
func (l *Listener) Serve(ln net.Listener) error {
	err := l.server.Serve(ln)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops the listener and its connections.
func (l *Listener) Close() error { return l.server.Close() }

// NewSession implements smtp.Backend.
func (l *Listener) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{l: l}, nil }

// tagOf returns the tag of a recipient of this mailbox; ok is false for
// any other address.
func (l *Listener) tagOf(rcpt string) (string, bool) {
	rcpt = strings.ToLower(strings.Trim(rcpt, "<>"))
	at := strings.LastIndexByte(rcpt, '@')
	if at < 0 || rcpt[at+1:] != l.domain {
		return "", false
	}
	tag, ok := strings.CutPrefix(rcpt[:at], l.local+"+")
	return tag, ok && tag != ""
}

func (l *Listener) handlerFor(tag string) Handler {
	var best *route
	for i, r := range l.routes {
		if strings.HasPrefix(tag, r.prefix) && (best == nil || len(r.prefix) > len(best.prefix)) {
			best = &l.routes[i]
		}
	}
	if best == nil {
		return nil
	}
	return best.handler
}

type session struct {
	l        *Listener
	envelope string
	tags     []string
}

func (s *session) Reset()        { s.envelope, s.tags = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.envelope = strings.ToLower(from)
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	tag, ok := s.l.tagOf(to)
	if !ok || s.l.handlerFor(tag) == nil {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: "Unbekannte Adresse / unknown address: " + to}
	}
	s.tags = append(s.tags, tag)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(io.LimitReader(r, s.l.cfg.MaxBytes+1))
	if err != nil {
		return err
	}
	if int64(len(raw)) > s.l.cfg.MaxBytes {
		return smtp.ErrDataTooLarge
	}
	hdr, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Keine lesbare E-Mail / not a readable mail"}
	}
	if why := automatic(s.envelope, hdr.Header); why != "" {
		// Taken and dropped: refusing an out-of-office reply or a bounce
		// would only make another automatic mail.
		s.l.cfg.Log.Info("mail-in: automatic mail dropped", "why", why)
		return nil
	}
	m := Message{From: address(hdr.Header.Get("From")), ReplyTo: address(hdr.Header.Get("Reply-To")), Envelope: s.envelope, Raw: raw}
	for _, tag := range s.tags {
		m.Tag = tag
		if err := s.deliver(m); err != nil {
			return err
		}
	}
	return nil
}

// deliver hands one mail to its handler and turns the outcome into the
// SMTP reply.
func (s *session) deliver(m Message) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.l.cfg.Timeout)
	defer cancel()
	err := s.l.handlerFor(m.Tag)(ctx, m)
	var refusal *Refusal
	switch {
	case err == nil:
		s.l.cfg.Log.Info("mail-in: taken", "tag", tagKind(m.Tag))
		return nil
	case errors.As(err, &refusal):
		s.l.cfg.Log.Info("mail-in: refused", "tag", tagKind(m.Tag), "reason", refusal.Reason)
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: ascii(refusal.Reason)}
	default:
		s.l.cfg.Log.Error("mail-in: cannot take mail", "tag", tagKind(m.Tag), "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
			Message: "Vorübergehender Fehler, bitte später erneut / temporary failure, try again later"}
	}
}

// tagKind keeps signed reply tags out of the log: they stand for a person.
func tagKind(tag string) string {
	if i := strings.IndexByte(tag, '-'); i > 0 && i <= 2 {
		return tag[:i+1] + "…"
	}
	return tag
}

// automatic says why a mail was sent by a program rather than a person
// (RFC 3834, bounces, list and vacation conventions), or "".
func automatic(envelope string, h mail.Header) string {
	switch {
	case envelope == "" || envelope == "<>":
		return "empty envelope sender"
	case h.Get("Auto-Submitted") != "" && !strings.EqualFold(strings.TrimSpace(h.Get("Auto-Submitted")), "no"):
		return "Auto-Submitted"
	case h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "":
		return "X-Autoreply"
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "list", "auto_reply":
		return "Precedence"
	}
	return ""
}

// address is the lower-case address of a header value, "" when it holds none.
func address(v string) string {
	if v == "" {
		return ""
	}
	a, err := mail.ParseAddress(v)
	if err != nil {
		return ""
	}
	return strings.ToLower(a.Address)
}

// umlauts are written out: SMTP replies are US-ASCII (RFC 5321), and a
// sender's mail system shows them in its bounce.
var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss", "–", "-", "„", "\"", "“", "\"", "”", "\"")

func ascii(s string) string {
	s = umlauts.Replace(s)
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, s)
}

type slogLogger struct{ log *slog.Logger }

func (l slogLogger) Printf(format string, v ...any) {
	l.log.Warn("mail-in: " + fmt.Sprintf(format, v...))
}
func (l slogLogger) Println(v ...any) { l.log.Warn("mail-in: " + fmt.Sprint(v...)) }
