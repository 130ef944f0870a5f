package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

// runTag tells this run's mail addresses from those of earlier runs
// against the same Mailpit (scripts/with-services.sh --keep).
var runTag = strconv.FormatInt(time.Now().UnixNano(), 36)

// mailAddress is an address of this run.
func mailAddress(prefix string) string {
	return unique(prefix) + "-" + runTag + "@example.org"
}

// startMailInServer is startServerWith for a server that sends its mail
// to Mailpit and takes mail on a listener of its own; it returns the base
// URL and the listener's host:port.
func startMailInServer(t *testing.T) (base, smtpAddr string, mp mailpit) {
	t.Helper()
	vars, mp := mailServer(t)
	vars["FACHNETZ_MAIL_IN_LISTEN"] = "127.0.0.1:0"
	vars["FACHNETZ_MAIL_IN_ADDRESS"] = "fachnetz@fachnetz.test"
	s := runServer(t, vars)
	return "http://" + s.Addr(), s.MailAddr(), mp
}

// replyWorld is a question by an asker who hears of answers at once, in
// a space where an expert may write.
type replyWorld struct {
	base, smtp    string
	mp            mailpit
	asker, expert person
	space         policies.Space
	question      string
}

func newReplyWorld(t *testing.T) replyWorld {
	t.Helper()
	base, smtpAddr, mp := startMailInServer(t)
	agency := makeAgency(t)
	w := replyWorld{base: base, smtp: smtpAddr, mp: mp, asker: makePerson(t, agency, false), expert: makePerson(t, agency, false)}
	for _, p := range []*person{&w.asker, &w.expert} {
		p.Email = mailAddress(p.Handle)
		if _, err := testDB.Pool.Exec(context.Background(), `UPDATE accounts SET email = $2 WHERE id = $1`, p.ID, p.Email); err != nil {
			t.Fatal(err)
		}
	}
	w.space = makeSpace(t, w.asker, policies.Organisation, policies.RoleViewer)
	addMember(t, w.space, w.expert, policies.RoleMember)
	seesSpace(t, base, w.asker, w.space)
	seesSpace(t, base, w.expert, w.space)
	for _, p := range []person{w.asker, w.expert} {
		if status, out := api(t, http.MethodPut, base+"/api/v1/me/notification-settings", p.Token,
			`{"preferences":{"watched":{"email":"immediate"}}}`); status != http.StatusOK {
			t.Fatalf("settings: %d %v", status, out)
		}
	}
	w.question = id(ask(t, base, w.asker.Token, w.space.Slug, unique("Sonderurlaub für Umzug"), "Wie viele Tage gibt es?"))
	return w
}

// answer posts an answer through the API and returns its id.
func (w replyWorld) answer(t *testing.T, p person, body string) string {
	t.Helper()
	status, out := api(t, http.MethodPost, w.base+"/api/v1/questions/"+w.question+"/answers", p.Token, fmt.Sprintf(`{"body":%q}`, body))
	if status != http.StatusCreated {
		t.Fatalf("answer: %d %v", status, out)
	}
	return id(out)
}

// notification waits for the mails to p to reach count and returns the
// newest with its reply address.
func (w replyWorld) notification(t *testing.T, p person, count int) (mailMessage, string) {
	t.Helper()
	var got []mailSummary
	waitFor(t, func() bool { got = w.mp.to(t, p.Email); return len(got) >= count }, fmt.Sprintf("mail %d to %s", count, p.Handle))
	msg := w.mp.message(t, got[0].ID)
	h := w.mp.headers(t, got[0].ID)
	a, err := mail.ParseAddress(strings.Join(h["Reply-To"], ","))
	if err != nil {
		t.Fatalf("Reply-To %v: %v", h["Reply-To"], err)
	}
	return msg, a.Address
}

// thread returns the question's answers and comments as the API shows
// them.
func (w replyWorld) thread(t *testing.T) (answers, comments []map[string]any) {
	t.Helper()
	status, out := api(t, http.MethodGet, w.base+"/api/v1/questions/"+w.question, w.asker.Token, "")
	if status != http.StatusOK {
		t.Fatalf("question: %d %v", status, out)
	}
	for key, list := range map[string]*[]map[string]any{"answers": &answers, "comments": &comments} {
		items, _ := out[key].([]any)
		for _, it := range items {
			*list = append(*list, it.(map[string]any))
		}
	}
	return answers, comments
}

// replyMail is a reply as a mail program writes it: the text, a closing
// with a signature, and the notification quoted below an attribution.
func replyMail(from, to, messageID, text string, quoted mailMessage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: AW: %s\r\nMessage-ID: <%s>\r\nDate: %s\r\n", from, to, quoted.Subject, messageID, time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", quoted.MessageID)
	if text != "" {
		b.WriteString(strings.ReplaceAll(text, "\n", "\r\n") + "\r\n\r\nMit freundlichen Grüßen\r\nAnna Beispiel\r\nReferat Z 12 – Personal\r\nTel.: 030 18 123-4567\r\n\r\n")
	}
	b.WriteString("Am 29.11.2026 um 15:02 schrieb Fachnetz <fachnetz@fachnetz.test>:\r\n")
	for _, l := range strings.Split(strings.TrimRight(quoted.Text, "\n"), "\n") {
		b.WriteString("> " + strings.TrimRight(l, "\r") + "\r\n")
	}
	return b.String()
}

// sendMail delivers raw to the listener with Go's SMTP client; the error
// carries the listener's reply code when it refuses.
func sendMail(t *testing.T, addr, from, to, raw string) error {
	t.Helper()
	return smtp.SendMail(addr, nil, from, []string{to}, []byte(raw))
}

func TestReplyByMailBecomesAnAnswerOrAComment(t *testing.T) {
	w := newReplyWorld(t)
	first := w.answer(t, w.expert, "Einen Tag, nach § 29 TVöD.")
	note, replyTo := w.notification(t, w.asker, 1)
	if !strings.HasPrefix(replyTo, "fachnetz+r-") || !strings.HasSuffix(replyTo, "@fachnetz.test") {
		t.Fatalf("Reply-To %q", replyTo)
	}
	if !strings.Contains(note.Text, "Antworten Sie auf diese E-Mail") {
		t.Errorf("the mail does not invite a reply:\n%s", note.Text)
	}
	text := "Danke! Gilt das auch für Teilzeitkräfte?"
	raw := replyMail(w.asker.Email, replyTo, unique("antwort")+"@mail.example.org", text, note)
	// The same mail twice, as a server sends it again that missed the
	// listener's reply: one answer.
	for range 2 {
		if err := sendMail(t, w.smtp, w.asker.Email, replyTo, raw); err != nil {
			t.Fatalf("reply refused: %v", err)
		}
	}
	answers, _ := w.thread(t)
	if len(answers) != 2 {
		t.Fatalf("%d answers, want the expert's and the reply: %v", len(answers), answers)
	}
	if got := answers[1]["body"]; got != text {
		t.Errorf("the answer by mail reads %q, want %q (quote and signature stripped)", got, text)
	}
	if answers[1]["author"] != w.asker.DisplayName {
		t.Errorf("the answer by mail is by %v", answers[1]["author"])
	}
	// The expert watches the question since answering and hears of it as
	// of an answer on the page.
	_, expertReply := w.notification(t, w.expert, 1)

	// The acceptance tells the expert; a reply to that mail comments on
	// the accepted answer.
	if status, out := api(t, http.MethodPost, w.base+"/api/v1/answers/"+first+"/accept", w.asker.Token, ""); status != http.StatusOK {
		t.Fatalf("accept: %d %v", status, out)
	}
	note, replyTo = w.notification(t, w.expert, 2)
	if replyTo == expertReply || !strings.Contains(note.Text, "um die Antwort zu kommentieren") {
		t.Fatalf("the acceptance's reply address %q (answer: %q) and text:\n%s", replyTo, expertReply, note.Text)
	}
	comment := "Gern geschehen, für Teilzeitkräfte gilt dasselbe."
	if err := sendMail(t, w.smtp, w.expert.Email, replyTo, replyMail(w.expert.Email, replyTo, unique("kommentar")+"@mail.example.org", comment, note)); err != nil {
		t.Fatalf("reply refused: %v", err)
	}
	_, comments := w.thread(t)
	if len(comments) != 1 || comments[0]["body"] != comment || fmt.Sprint(comments[0]["answer_id"]) != first {
		t.Fatalf("comments %v, want %q on answer %s", comments, comment, first)
	}
}

func TestReplyByMailNotTakenIsExplained(t *testing.T) {
	w := newReplyWorld(t)
	w.answer(t, w.expert, "Einen Tag.")
	note, replyTo := w.notification(t, w.asker, 1)
	explained := func(to string, count int, want string) {
		t.Helper()
		var got []mailSummary
		waitFor(t, func() bool { got = w.mp.to(t, to); return len(got) >= count }, "the explanation to "+to)
		msg := w.mp.message(t, got[0].ID)
		if !strings.Contains(msg.Text, want) {
			t.Errorf("explanation to %s lacks %q:\n%s", to, want, msg.Text)
		}
		h := w.mp.headers(t, got[0].ID)
		if strings.Join(h["Auto-Submitted"], "") != "auto-replied" {
			t.Errorf("Auto-Submitted %v", h["Auto-Submitted"])
		}
	}

	// From another address: not published, explained in both languages.
	stranger := mailAddress("fremd")
	if err := sendMail(t, w.smtp, stranger, replyTo, replyMail(stranger, replyTo, unique("x")+"@example.org", "Ich antworte für Anna.", note)); err != nil {
		t.Fatalf("reply from elsewhere refused instead of explained: %v", err)
	}
	explained(stranger, 1, "only from the address the notification was sent to")

	// Nothing of their own above the quote.
	if err := sendMail(t, w.smtp, w.asker.Email, replyTo, replyMail(w.asker.Email, replyTo, unique("x")+"@example.org", "", note)); err != nil {
		t.Fatalf("empty reply refused: %v", err)
	}
	explained(w.asker.Email, 2, "kein eigener Text")

	// The notification pasted without quote marks: not published, as it
	// holds the asker's unsubscribe link.
	pasted := mailMessage{mailSummary: mailSummary{Subject: note.Subject, MessageID: note.MessageID}}
	if err := sendMail(t, w.smtp, w.asker.Email, replyTo, replyMail(w.asker.Email, replyTo, unique("x")+"@example.org", "Siehe unten.\n\n"+note.Text, pasted)); err != nil {
		t.Fatalf("reply with the pasted notification refused: %v", err)
	}
	explained(w.asker.Email, 3, "nicht sicher vom zitierten Text")

	// Write access lost: the asker's space was archived meanwhile.
	if err := policies.NewStore(testDB.Pool).SetArchived(context.Background(), w.space.ID, true); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		_, out := api(t, http.MethodGet, w.base+"/api/v1/spaces/"+w.space.Slug, w.asker.Token, "")
		p, _ := out["permissions"].(map[string]any)
		return p != nil && p["write"] == false
	}, "the archive to reach the server's rules")
	if err := sendMail(t, w.smtp, w.asker.Email, replyTo, replyMail(w.asker.Email, replyTo, unique("x")+"@example.org", "Noch eine Frage dazu.", note)); err != nil {
		t.Fatalf("reply without access refused: %v", err)
	}
	explained(w.asker.Email, 4, "nicht mehr antworten")

	if answers, comments := w.thread(t); len(answers) != 1 || len(comments) != 0 {
		t.Fatalf("%d answers and %d comments, want only the answer from the page", len(answers), len(comments))
	}
}

func TestForgedReplyAddressIsRefusedWithoutMail(t *testing.T) {
	w := newReplyWorld(t)
	w.answer(t, w.expert, "Einen Tag.")
	note, replyTo := w.notification(t, w.asker, 1)
	local, domain, _ := strings.Cut(replyTo, "@")
	parts := strings.Split(local, "-")
	// The expert's own reply address is the asker's with the other
	// account's id: the signature no longer fits.
	parts[1] = fmt.Sprint(w.expert.ID)
	forged := strings.Join(parts, "-") + "@" + domain
	victim := mailAddress("opfer")
	err := sendMail(t, w.smtp, victim, forged, replyMail(victim, forged, unique("x")+"@example.org", "Gefälscht.", note))
	var smtpErr *textproto.Error
	if !errors.As(err, &smtpErr) || smtpErr.Code != 550 {
		t.Fatalf("forged address: %v, want 550", err)
	}
	if answers, _ := w.thread(t); len(answers) != 1 {
		t.Fatalf("%d answers after a forged reply, want 1", len(answers))
	}
	// A valid mail afterwards goes through the same path, so that the
	// check below has waited long enough for a mail that would have been
	// sent.
	stranger := mailAddress("fremd")
	if err := sendMail(t, w.smtp, stranger, replyTo, replyMail(stranger, replyTo, unique("x")+"@example.org", "Hallo.", note)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(w.mp.to(t, stranger)) == 1 }, "the explanation to the stranger")
	if got := w.mp.to(t, victim); len(got) != 0 {
		t.Fatalf("%d mails to the forged sender, want none", len(got))
	}
}

// A space whose slug starts with "r-" is no reply address: mail to it is
// forwarded into the space as for any other.
func TestSpaceSlugLikeAReplyTagKeepsItsAddress(t *testing.T) {
	base, smtpAddr, _ := startMailInServer(t)
	p := makePerson(t, makeAgency(t), false)
	sp, err := policies.NewStore(testDB.Pool).CreateSpace(context.Background(), policies.NewSpace{
		Slug: "r-" + unique("recht"), Name: "Recht", AgencyID: p.AgencyID, Visibility: policies.Private, AgencyRole: policies.RoleViewer,
	}, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	seesSpace(t, base, p, sp)
	to := "fachnetz+" + sp.Slug + "@fachnetz.test"
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: WG: Frist\r\nMessage-ID: <%s>\r\nDate: %s\r\n\r\nBitte als Frage aufnehmen.\r\n",
		p.Email, to, unique("fw")+"@example.org", time.Now().Format(time.RFC1123Z))
	if err := sendMail(t, smtpAddr, p.Email, to, raw); err != nil {
		t.Fatalf("forward refused: %v", err)
	}
	var drafts int
	if err := testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mail_drafts WHERE space_id = $1`, sp.ID).Scan(&drafts); err != nil || drafts != 1 {
		t.Fatalf("%d drafts in the space (%v), want 1", drafts, err)
	}
}
