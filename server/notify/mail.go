package notify

import (
	"context"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// MailConfig is how Fachnetz reaches the agency's mail server.
type MailConfig struct {
	Host     string // "" turns e-mail off
	Port     int
	TLS      string // "starttls" (required), "tls" (implicit TLS) or "none" (only for a local relay)
	User     string // "" for no authentication
	Password string
	From     string
}

// Mail is one message: a plain text and an HTML part, both in the
// recipient's language.
type Mail struct {
	To        string
	Subject   string
	Text      string
	HTML      string
	MessageID string // without angle brackets; the same on a retry
	// Unsubscribe is the signed one-click link (RFC 8058), "" for none.
	Unsubscribe string
	// ReplyTo is the signed reply address, "" for none.
	ReplyTo string
}

// Mailer sends e-mail over SMTP.
type Mailer struct{ cfg MailConfig }

// NewMailer returns a mailer, or nil when no mail server is configured.
func NewMailer(cfg MailConfig) *Mailer {
	if cfg.Host == "" {
		return nil
	}
	return &Mailer{cfg: cfg}
}

// Send delivers one message.
func (m *Mailer) Send(ctx context.Context, mail Mail) error {
	msg, err := m.message(mail.To, mail.Subject, mail.MessageID, "auto-generated")
	if err != nil {
		return err
	}
	if mail.ReplyTo != "" {
		if err := msg.ReplyTo(mail.ReplyTo); err != nil {
			return fmt.Errorf("mail reply-to: %w", err)
		}
	}
	if mail.Unsubscribe != "" {
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+mail.Unsubscribe+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, mail.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, mail.HTML)
	return m.send(ctx, msg, mail.To)
}

// Notice is a short plain-text answer to a mail a person sent, e.g. why
// their reply was not published.
type Notice struct {
	To, Subject, Text string
	// ID names the notice, the same for the same answered mail, so that a
	// mail delivered twice is answered with one Message-ID.
	ID string
	// InReplyTo is the answered mail's Message-ID, "" when it had none.
	InReplyTo string
}

// SendNotice sends a notice as an automatic reply (RFC 3834), which mail
// systems do not answer with another.
func (m *Mailer) SendNotice(ctx context.Context, n Notice) error {
	msg, err := m.message(n.To, n.Subject, n.ID+"@"+m.domain(), "auto-replied")
	if err != nil {
		return err
	}
	if n.InReplyTo != "" {
		msg.SetGenHeader(gomail.HeaderInReplyTo, n.InReplyTo)
		msg.SetGenHeader(gomail.HeaderReferences, n.InReplyTo)
	}
	msg.SetBodyString(gomail.TypeTextPlain, n.Text)
	return m.send(ctx, msg, n.To)
}

// message starts a mail from the configured sender. Every mail Fachnetz
// sends is automatic (RFC 3834 Auto-Submitted), so that out-of-office
// replies and the like do not answer it.
func (m *Mailer) message(to, subject, messageID, autoSubmitted string) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(m.cfg.From); err != nil {
		return nil, fmt.Errorf("mail from %q: %w", m.cfg.From, err)
	}
	if err := msg.To(to); err != nil {
		return nil, fmt.Errorf("mail to %q: %w", to, err)
	}
	msg.Subject(subject)
	msg.SetMessageIDWithValue(messageID)
	msg.SetDate()
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), autoSubmitted)
	return msg, nil
}

// domain is the domain of the sender address, for Message-IDs.
func (m *Mailer) domain() string {
	if a, err := netmail.ParseAddress(m.cfg.From); err == nil {
		if at := strings.LastIndexByte(a.Address, '@'); at >= 0 {
			return a.Address[at+1:]
		}
	}
	return "fachnetz.invalid"
}

func (m *Mailer) send(ctx context.Context, msg *gomail.Msg, to string) error {
	client, err := m.client()
	if err != nil {
		return err
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send mail to %s: %w", to, err)
	}
	return nil
}

func (m *Mailer) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(m.cfg.Port), gomail.WithTimeout(30 * time.Second)}
	switch m.cfg.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if m.cfg.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(m.cfg.User), gomail.WithPassword(m.cfg.Password))
	}
	c, err := gomail.NewClient(m.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail client for %s: %w", m.cfg.Host, err)
	}
	return c, nil
}
