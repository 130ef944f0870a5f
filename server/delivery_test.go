package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// withMail is a test server whose notifications go to Mailpit.
func withMail(t *testing.T) (string, mailpit) {
	t.Helper()
	vars, mp := mailServer(t)
	return startServerWith(t, vars), mp
}

func TestMentionArrivesByMailInTheRecipientsLanguage(t *testing.T) {
	base, mp := withMail(t)
	agency := makeAgency(t)
	asker, expert := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	seesSpace(t, base, asker, sp)
	if status, out := api(t, http.MethodPut, base+"/api/v1/me/notification-settings", expert.Token, `{"locale":"en"}`); status != http.StatusOK || out["locale"] != "en" {
		t.Fatalf("settings: %d %v", status, out)
	}
	title := unique("Frist für die Beihilfe")
	qid := id(ask(t, base, asker.Token, sp.Slug, title, "Weiß @"+expert.Handle+" das?"))

	var got []mailSummary
	waitFor(t, func() bool { got = mp.to(t, expert.Email); return len(got) > 0 }, "the mention to arrive by e-mail")
	if len(got) != 1 {
		t.Fatalf("%d messages to %s, want 1", len(got), expert.Email)
	}
	if want := "You were mentioned in “" + title + "”"; got[0].Subject != want {
		t.Errorf("subject %q, want %q", got[0].Subject, want)
	}
	msg := mp.message(t, got[0].ID)
	// Links start with the instance's public URL (the test servers keep
	// the default).
	link := "http://127.0.0.1:8080/fragen/" + qid
	if !strings.Contains(msg.Text, link) || !strings.Contains(msg.HTML, `href="`+link) {
		t.Fatalf("no link %s in\n%s\n%s", link, msg.Text, msg.HTML)
	}
	b := adminBrowser(t, base, expert)
	if resp, _ := b.get("/fragen/" + qid); resp.StatusCode != http.StatusOK {
		t.Errorf("the link answers %d", resp.StatusCode)
	}
	if h := mp.headers(t, got[0].ID); len(h["List-Unsubscribe-Post"]) != 1 || h["List-Unsubscribe-Post"][0] != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %v", h["List-Unsubscribe-Post"])
	}
}

func TestOneClickUnsubscribeStopsTheMail(t *testing.T) {
	base, mp := withMail(t)
	agency := makeAgency(t)
	asker, expert := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	seesSpace(t, base, asker, sp)
	ask(t, base, asker.Token, sp.Slug, unique("Erste Frage"), "@"+expert.Handle+" bitte.")
	var got []mailSummary
	waitFor(t, func() bool { got = mp.to(t, expert.Email); return len(got) > 0 }, "the first mention")
	h := mp.headers(t, got[0].ID)
	link := strings.Trim(strings.Join(h["List-Unsubscribe"], ""), "<>")
	if !strings.HasPrefix(link, "http://127.0.0.1:8080/benachrichtigungen/abbestellen?t=") {
		t.Fatalf("List-Unsubscribe %q", link)
	}
	link = base + strings.TrimPrefix(link, "http://127.0.0.1:8080")
	// A forged token changes nothing.
	if resp, err := http.PostForm(link+"x", url.Values{"List-Unsubscribe": {"One-Click"}}); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("forged token: %v %v", resp, err)
	}
	// Opening the link asks; it does not unsubscribe.
	resp, err := http.Get(link)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET unsubscribe: %v %v", resp, err)
	}
	resp.Body.Close()
	if _, out := api(t, http.MethodGet, base+"/api/v1/me/notification-settings", expert.Token, ""); mode(out, "mention", "email") != "immediate" {
		t.Fatalf("after GET the mention mode is %q", mode(out, "mention", "email"))
	}
	// The mail program's one-click POST (RFC 8058).
	resp, err = http.PostForm(link, url.Values{"List-Unsubscribe": {"One-Click"}})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("one-click POST: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if _, out := api(t, http.MethodGet, base+"/api/v1/me/notification-settings", expert.Token, ""); mode(out, "mention", "email") != "off" || mode(out, "mention", "app") != "immediate" {
		t.Fatalf("after unsubscribing: %v", out["preferences"])
	}
	ask(t, base, asker.Token, sp.Slug, unique("Zweite Frage"), "@"+expert.Handle+" noch einmal.")
	// The in-app notification of the second mention is there; its mail
	// must not follow.
	waitFor(t, func() bool {
		_, out := api(t, http.MethodGet, base+"/api/v1/notifications", expert.Token, "")
		list, _ := out["notifications"].([]any)
		return len(list) == 2
	}, "the second mention in the app")
	drain(t)
	if n := len(mp.to(t, expert.Email)); n != 1 {
		t.Fatalf("%d messages after unsubscribing, want still 1", n)
	}
}

func mode(settings map[string]any, topic, channel string) string {
	p, _ := settings["preferences"].(map[string]any)
	t, _ := p[topic].(map[string]any)
	m, _ := t[channel].(string)
	return m
}

// drain waits until no delivery is due and unsent.
func drain(t *testing.T) {
	t.Helper()
	waitFor(t, func() bool {
		var n int
		testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM deliveries WHERE sent_at IS NULL AND due_at <= now()`).Scan(&n)
		return n == 0
	}, "every due delivery to be sent")
}

// digestDue makes the digests of a person due now, as the next morning
// would.
func digestDue(t *testing.T, accountID int64) {
	t.Helper()
	if _, err := testDB.Pool.Exec(context.Background(), `UPDATE deliveries SET due_at = now(), next_attempt_at = now()
		WHERE account_id = $1 AND digest <> '' AND sent_at IS NULL`, accountID); err != nil {
		t.Fatal(err)
	}
}

func TestDailyDigestGroupsBySpaceAndForgetsSpacesOneLeft(t *testing.T) {
	base, mp := withMail(t)
	agency := makeAgency(t)
	owner, watcher := makePerson(t, agency, false), makePerson(t, agency, false)
	open := makeSpace(t, owner, policies.Organisation, policies.RoleMember)
	seesSpace(t, base, owner, open)
	closed := makeSpace(t, owner, policies.Private, policies.RoleMember)
	left := makeSpace(t, owner, policies.Private, policies.RoleMember)
	addMember(t, closed, watcher, policies.RoleMember)
	addMember(t, left, watcher, policies.RoleMember)
	for _, sp := range []policies.Space{closed, left} {
		seesSpace(t, base, owner, sp)
		seesSpace(t, base, watcher, sp)
	}
	var titles []string
	for _, sp := range []policies.Space{open, closed, left} {
		title := unique("Beobachtete Frage")
		qid := id(ask(t, base, owner.Token, sp.Slug, title, "Text."))
		b := adminBrowser(t, base, watcher)
		if resp, _ := b.post("/fragen/"+qid, "/beobachten", url.Values{"kind": {"question"}, "item": {qid}, "watch": {"1"}, "next": {"/fragen/" + qid}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("watch: %d", resp.StatusCode)
		}
		for i := 0; i < 2; i++ {
			if status, out := api(t, http.MethodPost, base+"/api/v1/questions/"+qid+"/answers", owner.Token, fmt.Sprintf(`{"body":"Antwort %d."}`, i)); status != http.StatusCreated && status != http.StatusOK {
				t.Fatalf("answer: %d %v", status, out)
			}
		}
		titles = append(titles, title)
	}
	// Watched items come in a daily digest: nothing yet.
	drain(t)
	if n := len(mp.to(t, watcher.Email)); n != 0 {
		t.Fatalf("%d messages before the digest is due", n)
	}
	// The watcher leaves one private space before the digest goes out.
	if err := policies.NewStore(testDB.Pool).RemoveMember(context.Background(), left.ID, policies.MemberRef{AccountID: watcher.ID}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		status, _ := api(t, http.MethodGet, base+"/api/v1/spaces/"+left.Slug, watcher.Token, "")
		return status == http.StatusNotFound
	}, "the server to know the watcher left")
	digestDue(t, watcher.ID)
	var got []mailSummary
	waitFor(t, func() bool { got = mp.to(t, watcher.Email); return len(got) > 0 }, "the digest")
	drain(t)
	if got = mp.to(t, watcher.Email); len(got) != 1 {
		t.Fatalf("%d messages, want one digest", len(got))
	}
	msg := mp.message(t, got[0].ID)
	if !strings.Contains(got[0].Subject, "4 Neuigkeiten") {
		t.Errorf("subject %q, want 4 items (two answers in each of two spaces)", got[0].Subject)
	}
	for i, title := range titles {
		n := strings.Count(msg.Text, "„"+title+"“")
		if want := 2; i == 2 {
			want = 0
			if n != want {
				t.Errorf("the digest names %q of a space the watcher left %d times", title, n)
			}
		} else if n != want {
			t.Errorf("the digest names %q %d times, want %d:\n%s", title, n, want, msg.Text)
		}
	}
	if h := strings.Count(msg.HTML, "<h2"); h != 2 {
		t.Errorf("%d space headings in the HTML digest, want 2:\n%s", h, msg.HTML)
	}
}

func TestTwoServersSendEachMessageOnce(t *testing.T) {
	vars, mp := mailServer(t)
	first, second := startServerWith(t, vars), startServerWith(t, vars)
	agency := makeAgency(t)
	asker, expert := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, asker, policies.Organisation, policies.RoleMember)
	seesSpace(t, first, asker, sp)
	seesSpace(t, second, asker, sp)
	const n = 12
	for i := 0; i < n; i++ {
		base := first
		if i%2 == 1 {
			base = second
		}
		ask(t, base, asker.Token, sp.Slug, unique("Frage an zwei Server"), "@"+expert.Handle)
	}
	waitFor(t, func() bool { return len(mp.to(t, expert.Email)) >= n }, "every mention by e-mail")
	drain(t)
	got := mp.to(t, expert.Email)
	seen := map[string]bool{}
	for _, m := range got {
		if seen[m.MessageID] {
			t.Errorf("message %s arrived twice", m.MessageID)
		}
		seen[m.MessageID] = true
	}
	if len(got) != n {
		t.Fatalf("%d messages, want %d", len(got), n)
	}
}

func TestNotifyTestCommandAndReadyzReportTheChannels(t *testing.T) {
	vars, mp := mailServer(t)
	base := startServerWith(t, vars)
	resp, body := get(t, base+"/readyz")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"email":"ok"`) || !strings.Contains(body, `"matrix":"off"`) {
		t.Fatalf("/readyz: %d %s", resp.StatusCode, body)
	}
	to := unique("betrieb") + "@example.org"
	var stdout, stderr strings.Builder
	if code := run(context.Background(), []string{"notify", "test", "--to", to}, testEnv(t, vars), strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("notify test: %d %s", code, stderr.String())
	}
	if got := mp.to(t, to); len(got) != 1 || !strings.HasPrefix(got[0].Subject, "Fachnetz: test message") {
		t.Fatalf("test mail: %v", got)
	}
	delete(vars, "FACHNETZ_SMTP_HOST")
	vars["FACHNETZ_SMTP_HOST"] = ""
	stderr.Reset()
	if code := run(context.Background(), []string{"notify", "test", "--to", to}, testEnv(t, vars), strings.NewReader(""), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "e-mail is off") {
		t.Fatalf("without a mail server: %d %q", code, stderr.String())
	}
}
