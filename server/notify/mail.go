package notify

import (
	"context"
	"fmt"
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
	msg := gomail.NewMsg()
	if err := msg.From(m.cfg.From); err != nil {
		return fmt.Errorf("mail from %q: %w", m.cfg.From, err)
	}
	if err := msg.To(mail.To); err != nil {
		return fmt.Errorf("mail to %q: %w", mail.To, err)
	}
	msg.Subject(mail.Subject)
	msg.SetMessageIDWithValue(mail.MessageID)
	msg.SetDate()
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	if mail.Unsubscribe != "" {
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+mail.Unsubscribe+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, mail.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, mail.HTML)
	client, err := m.client()
	if err != nil {
		return err
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send mail to %s: %w", mail.To, err)
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
