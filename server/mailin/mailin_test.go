package mailin

import (
	"context"
	"errors"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"sync"
	"testing"
)

type received struct {
	mu   sync.Mutex
	msgs []Message
}

func (r *received) handler(err error) Handler {
	return func(_ context.Context, m Message) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.msgs = append(r.msgs, m)
		return err
	}
}

func (r *received) all() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message(nil), r.msgs...)
}

func serve(t *testing.T, cfg Config, routes map[string]Handler) string {
	t.Helper()
	cfg.Address = "fachnetz@behoerde.example"
	l, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for prefix, h := range routes {
		l.Handle(prefix, h)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go l.Serve(ln)
	t.Cleanup(func() { l.Close() })
	return ln.Addr().String()
}

func send(addr, from, to, mail string) error {
	return smtp.SendMail(addr, nil, from, []string{to}, []byte(strings.ReplaceAll(mail, "\n", "\r\n")))
}

const plain = "From: Anna Beispiel <Anna.Beispiel@Behoerde.example>\nReply-To: <antwort@behoerde.example>\nSubject: Frage\n\nText.\n"

func TestMailGoesToTheHandlerOfItsTag(t *testing.T) {
	var spaces, replies received
	addr := serve(t, Config{}, map[string]Handler{"": spaces.handler(nil), "r-": replies.handler(nil)})

	if err := send(addr, "anna.beispiel@behoerde.example", "Fachnetz+Vergabe@behoerde.example", plain); err != nil {
		t.Fatal(err)
	}
	if err := send(addr, "anna.beispiel@behoerde.example", "fachnetz+r-1-2-0-abc@behoerde.example", plain); err != nil {
		t.Fatal(err)
	}
	got := spaces.all()
	if len(got) != 1 || got[0].Tag != "vergabe" || got[0].From != "anna.beispiel@behoerde.example" || got[0].ReplyTo != "antwort@behoerde.example" ||
		got[0].Envelope != "anna.beispiel@behoerde.example" || !strings.Contains(string(got[0].Raw), "Text.") {
		t.Errorf("space route got %+v", got)
	}
	if r := replies.all(); len(r) != 1 || r[0].Tag != "r-1-2-0-abc" {
		t.Errorf("reply route got %+v", r)
	}
}

func TestOtherAddressesAreRefusedAtRCPT(t *testing.T) {
	var spaces received
	addr := serve(t, Config{}, map[string]Handler{"": spaces.handler(nil)})
	for _, to := range []string{"fachnetz@behoerde.example", "jemand+vergabe@behoerde.example", "fachnetz+vergabe@anderswo.example"} {
		err := send(addr, "a@behoerde.example", to, plain)
		var perr *textproto.Error
		if err == nil || !errors.As(err, &perr) || !strings.HasPrefix(err.Error(), "550") {
			t.Errorf("%s: %v, want 550", to, err)
		}
	}
	if n := len(spaces.all()); n != 0 {
		t.Errorf("%d mails handed on", n)
	}
}

func TestRefusalsAndFailuresReachTheSender(t *testing.T) {
	var refusing, failing received
	addr := serve(t, Config{}, map[string]Handler{
		"":   refusing.handler(Refuse("Absender ohne Schreibrecht für „Vergabe“")),
		"x-": failing.handler(errors.New("database away")),
	})
	err := send(addr, "a@behoerde.example", "fachnetz+vergabe@behoerde.example", plain)
	if err == nil || !strings.HasPrefix(err.Error(), "550") || !strings.Contains(err.Error(), `Absender ohne Schreibrecht fuer \"Vergabe\"`) {
		t.Errorf("refusal: %v", err)
	}
	// A failure of Fachnetz is temporary: the sending server tries again.
	err = send(addr, "a@behoerde.example", "fachnetz+x-1@behoerde.example", plain)
	if err == nil || !strings.HasPrefix(err.Error(), "451") || strings.Contains(err.Error(), "database") {
		t.Errorf("failure: %v", err)
	}
}

func TestAutomaticMailIsDroppedWithoutAReply(t *testing.T) {
	var spaces received
	addr := serve(t, Config{}, map[string]Handler{"": spaces.handler(nil)})
	for name, mail := range map[string]string{
		"out of office": "From: a@behoerde.example\nAuto-Submitted: auto-replied\nSubject: Abwesend\n\nBin nicht da.\n",
		"list":          "From: a@behoerde.example\nPrecedence: bulk\nSubject: Newsletter\n\nNeues.\n",
		"vacation":      "From: a@behoerde.example\nX-Autoreply: yes\nSubject: Urlaub\n\nBin weg.\n",
	} {
		if err := send(addr, "a@behoerde.example", "fachnetz+vergabe@behoerde.example", mail); err != nil {
			t.Errorf("%s: %v (taken and dropped, not refused)", name, err)
		}
	}
	if err := send(addr, "a@behoerde.example", "fachnetz+vergabe@behoerde.example", "From: a@behoerde.example\nAuto-Submitted: no\nSubject: Frage\n\nText.\n"); err != nil {
		t.Fatal(err)
	}
	if got := spaces.all(); len(got) != 1 || !strings.Contains(string(got[0].Raw), "Subject: Frage") {
		t.Errorf("handed on: %d mails, want only the one written by a person", len(got))
	}
}

func TestLargeMailIsRefused(t *testing.T) {
	var spaces received
	addr := serve(t, Config{MaxBytes: 1000}, map[string]Handler{"": spaces.handler(nil)})
	err := send(addr, "a@behoerde.example", "fachnetz+vergabe@behoerde.example", plain+strings.Repeat(strings.Repeat("x", 70)+"\n", 30))
	if err == nil || !strings.HasPrefix(err.Error(), "552") {
		t.Errorf("large mail: %v, want 552", err)
	}
	if n := len(spaces.all()); n != 0 {
		t.Errorf("%d mails handed on", n)
	}
}

func TestAddressIsChecked(t *testing.T) {
	for _, a := range []string{"", "fachnetz", "@behoerde.example", "fachnetz+x@behoerde.example", "Fachnetz <f@b.example>"} {
		if _, err := New(Config{Address: a}); err == nil {
			t.Errorf("%q taken as the mailbox", a)
		}
	}
	l, err := New(Config{Address: "Fachnetz@Behoerde.example"})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.AddressFor("vergabe"); got != "fachnetz+vergabe@behoerde.example" {
		t.Errorf("AddressFor: %q", got)
	}
}
