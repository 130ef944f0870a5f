package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// mailpitMessage is what the test mail server (Mailpit, started by the
// test scripts) holds of one message to an address.
type mailpitMessage struct {
	ID      string
	Text    string
	Headers map[string][]string
}

// mailpitGet reads one answer of Mailpit's API.
func mailpitGet(t *testing.T, path string, out any) {
	t.Helper()
	resp, err := http.Get(strings.TrimRight(os.Getenv("FACHNETZ_TEST_MAILPIT_URL"), "/") + path)
	if err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit %s: %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

// mailsTo returns the messages Mailpit holds for an address, newest first.
func mailsTo(t *testing.T, address string) []mailpitMessage {
	t.Helper()
	var list struct {
		Messages []struct{ ID string } `json:"messages"`
	}
	mailpitGet(t, "/api/v1/search?limit=50&query="+url.QueryEscape("to:"+address), &list)
	var out []mailpitMessage
	for _, m := range list.Messages {
		msg := mailpitMessage{ID: m.ID}
		var body struct{ Text string }
		mailpitGet(t, "/api/v1/message/"+url.PathEscape(m.ID), &body)
		mailpitGet(t, "/api/v1/message/"+url.PathEscape(m.ID)+"/headers", &msg.Headers)
		msg.Text = body.Text
		out = append(out, msg)
	}
	return out
}

// runTag tells this run's mail addresses from those of earlier runs
// against the same Mailpit (scripts/with-services.sh --keep).
var runTag = strconv.FormatInt(time.Now().UnixNano(), 36)

// mailPerson is f.person with an address of this run.
func (f *fixture) mailPerson(name string) (int64, string) {
	f.t.Helper()
	id, handle := f.person(name)
	address := handle + "-" + runTag + "@example.org"
	if _, err := db.Pool.Exec(context.Background(), `UPDATE accounts SET email = $2 WHERE id = $1`, id, address); err != nil {
		f.t.Fatal(err)
	}
	return id, address
}

// mailDispatcher delivers f's events by e-mail to Mailpit, with reply
// addresses fachnetz+<tag>@fachnetz.test.
func (f *fixture) mailDispatcher() *Dispatcher {
	f.t.Helper()
	port, err := strconv.Atoi(os.Getenv("FACHNETZ_SMTP_PORT"))
	if err != nil || os.Getenv("FACHNETZ_SMTP_HOST") == "" || os.Getenv("FACHNETZ_TEST_MAILPIT_URL") == "" {
		f.t.Fatal("FACHNETZ_SMTP_HOST, FACHNETZ_SMTP_PORT or FACHNETZ_TEST_MAILPIT_URL is not set: run tests through scripts/with-services.sh or make test, which start Mailpit")
	}
	return f.n.Deliver(DeliveryConfig{
		Mail:         NewMailer(MailConfig{Host: os.Getenv("FACHNETZ_SMTP_HOST"), Port: port, TLS: "none", From: "fachnetz@fachnetz.test"}),
		BaseURL:      "https://fachnetz.test",
		ReplyAddress: func(tag string) string { return "fachnetz+" + tag + "@fachnetz.test" },
		Poll:         time.Hour,
	})
}

func TestSingleMailsAboutQuestionsCarryASignedReplyAddress(t *testing.T) {
	f := newFixture(t)
	d := f.mailDispatcher()
	space := f.space()
	anna, annaAddress := f.mailPerson("anna")
	ben, benAddress := f.mailPerson("ben")
	f.access.grant(anna, space)
	f.access.grant(ben, space)
	if err := f.n.store.SetMode(context.Background(), ben, TopicWatched, ChannelEmail, ModeImmediate); err != nil {
		t.Fatal(err)
	}
	const question, answer = 4711, 815
	// A comment on an answer: a reply comments on that answer too.
	f.notify(Event{Kind: KindComment, ActorID: anna, SpaceID: space, SubjectType: "question", SubjectID: question,
		Title: "Sonderurlaub beantragen", URL: fmt.Sprintf("/fragen/%d#antwort-%d", question, answer)}, ben)
	// A mention in the question: a reply answers the question.
	f.notify(Event{Kind: KindMention, ActorID: ben, SpaceID: space, SubjectType: "question", SubjectID: question,
		Title: "Sonderurlaub beantragen", URL: fmt.Sprintf("/fragen/%d", question)}, anna)
	if _, err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}

	check := func(address string, want ReplyTarget, hint string) string {
		t.Helper()
		var got []mailpitMessage
		deadline := time.Now().Add(10 * time.Second)
		for len(got) == 0 && time.Now().Before(deadline) {
			if got = mailsTo(t, address); len(got) == 0 {
				time.Sleep(50 * time.Millisecond)
			}
		}
		if len(got) != 1 {
			t.Fatalf("%d mails to %s, want 1", len(got), address)
		}
		replyTo := strings.Join(got[0].Headers["Reply-To"], ",")
		a, err := mail.ParseAddress(replyTo)
		if err != nil {
			t.Fatalf("Reply-To %q: %v", replyTo, err)
		}
		local, domain, _ := strings.Cut(a.Address, "@")
		tag, ok := strings.CutPrefix(local, "fachnetz+")
		if !ok || domain != "fachnetz.test" || len(local) > 64 || tag != strings.ToLower(tag) {
			t.Fatalf("Reply-To %q: want fachnetz+<lower-case tag>@fachnetz.test, local part at most 64 characters", a.Address)
		}
		if target, ok := f.n.ParseReplyTag(context.Background(), tag); !ok || target != want {
			t.Fatalf("tag %q reads as %+v %v, want %+v", tag, target, ok, want)
		}
		if !strings.Contains(got[0].Text, hint) {
			t.Errorf("the mail does not say %q:\n%s", hint, got[0].Text)
		}
		return tag
	}
	tag := check(benAddress, ReplyTarget{AccountID: ben, QuestionID: question, AnswerID: answer}, "um die Antwort zu kommentieren")
	check(annaAddress, ReplyTarget{AccountID: anna, QuestionID: question}, "um die Frage zu beantworten")

	if !IsReplyTag(tag) || IsReplyTag("r-recht") || IsReplyTag("r-1-2-3-recht") {
		t.Errorf("IsReplyTag tells reply tags from space slugs wrongly")
	}
	// Any change of the tag breaks its signature.
	parts := strings.Split(tag, "-")
	mac := []byte(parts[4])
	mac[0] = map[bool]byte{true: 'b', false: 'a'}[mac[0] == 'a']
	forged := []string{
		fmt.Sprintf("r-%d-%d-%d-%s", anna, question, answer, parts[4]), // another person
		fmt.Sprintf("r-%d-%d-0-%s", ben, question, parts[4]),           // the question instead of the answer
		fmt.Sprintf("r-%d-%d-%d-%s", ben, question+1, answer, parts[4]),
		fmt.Sprintf("r-0%d-%d-%d-%s", ben, question, answer, parts[4]), // written otherwise
		strings.Join(parts[:4], "-") + "-" + string(mac),
		strings.Join(parts[:4], "-"),
		strings.ToUpper(tag),
		tag + "-1",
	}
	for _, tag := range forged {
		if target, ok := f.n.ParseReplyTag(context.Background(), tag); ok {
			t.Errorf("forged tag %q verifies as %+v", tag, target)
		}
	}
}

func TestMailsAboutPagesCarryNoReplyAddress(t *testing.T) {
	f := newFixture(t)
	d := f.mailDispatcher()
	space := f.space()
	anna, _ := f.person("anna")
	ben, benAddress := f.mailPerson("ben")
	f.access.grant(ben, space)
	if err := f.n.store.SetMode(context.Background(), ben, TopicWatched, ChannelEmail, ModeImmediate); err != nil {
		t.Fatal(err)
	}
	f.notify(Event{Kind: KindPageChanged, ActorID: anna, SpaceID: space, SubjectType: "page", SubjectID: 12,
		Title: "Reisekosten", URL: "/bereiche/x/seiten/reisekosten"}, ben)
	if _, err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []mailpitMessage
	deadline := time.Now().Add(10 * time.Second)
	for len(got) == 0 && time.Now().Before(deadline) {
		if got = mailsTo(t, benAddress); len(got) == 0 {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d mails, want 1", len(got))
	}
	if r := got[0].Headers["Reply-To"]; len(r) != 0 {
		t.Errorf("a mail about a page carries Reply-To %v", r)
	}
	if strings.Contains(got[0].Text, "Antworten Sie auf diese E-Mail") {
		t.Errorf("a mail about a page invites replies:\n%s", got[0].Text)
	}
}
