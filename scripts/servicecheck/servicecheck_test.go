// Package servicecheck proves that the test services of scripts/mailpit.sh and
// scripts/dendrite.sh work as the tests of the notification channels expect: a mail sent
// over plain SMTP can be read back through Mailpit's API, and a message the bot sends to
// a room reaches a person in it. Run it with
//
//	scripts/with-services.sh -- go test -count=1 ./scripts/servicecheck/
//
// Without the services it fails; it never skips.
package servicecheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/smtp"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// env returns the variable or fails the test: the services are required.
func env(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run the test with scripts/with-services.sh", name)
	}
	return v
}

var client = &http.Client{Timeout: 30 * time.Second}

// call sends a JSON request (body may be nil) and decodes a 2xx answer into out.
func call(t *testing.T, method, u, token string, body, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s: %s", method, u, resp.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, u, err, b)
		}
	}
}

func TestMailpit(t *testing.T) {
	host := env(t, "FACHNETZ_SMTP_HOST")
	port := env(t, "FACHNETZ_SMTP_PORT")
	from := env(t, "FACHNETZ_SMTP_FROM")
	api := env(t, "FACHNETZ_TEST_MAILPIT_URL")
	if tls := env(t, "FACHNETZ_SMTP_TLS"); tls != "none" {
		t.Fatalf("FACHNETZ_SMTP_TLS=%q, want none for Mailpit", tls)
	}

	subject := fmt.Sprintf("servicecheck %d", time.Now().UnixNano())
	msg := "From: " + from + "\r\n" +
		"To: alice@fachnetz.test\r\n" +
		"Subject: " + subject + "\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"\r\n" +
		"Grüße aus dem Test.\r\n"
	// Mailpit accepts any user and password over a plain connection, as the app's SMTP
	// channel will log in (net/smtp allows PLAIN without TLS only to 127.0.0.1 or localhost).
	auth := smtp.PlainAuth("", "fachnetz", "any-password", host)
	if err := smtp.SendMail(net.JoinHostPort(host, port), auth, from, []string{"alice@fachnetz.test"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}

	var id string
	for deadline := time.Now().Add(10 * time.Second); id == "" && time.Now().Before(deadline); {
		var list struct {
			Messages []struct {
				ID      string
				Subject string
			} `json:"messages"`
		}
		call(t, http.MethodGet, api+"/api/v1/messages?limit=50", "", nil, &list)
		for _, m := range list.Messages {
			if m.Subject == subject {
				id = m.ID
			}
		}
		if id == "" {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if id == "" {
		t.Fatalf("the mail %q did not arrive in Mailpit", subject)
	}
	var m struct {
		From struct{ Address string }
		To   []struct{ Address string }
		Text string
	}
	call(t, http.MethodGet, api+"/api/v1/message/"+url.PathEscape(id), "", nil, &m)
	if m.From.Address != from {
		t.Errorf("From = %q, want %q", m.From.Address, from)
	}
	if len(m.To) != 1 || m.To[0].Address != "alice@fachnetz.test" {
		t.Errorf("To = %+v, want alice@fachnetz.test", m.To)
	}
	if !strings.Contains(m.Text, "Grüße aus dem Test.") {
		t.Errorf("Text = %q, want the body sent", m.Text)
	}
}

func TestDendrite(t *testing.T) {
	hs := strings.TrimRight(env(t, "FACHNETZ_MATRIX_HOMESERVER"), "/")
	bot := env(t, "FACHNETZ_MATRIX_TOKEN")
	botID := env(t, "FACHNETZ_MATRIX_USER")
	alice := env(t, "FACHNETZ_TEST_MATRIX_ALICE")
	aliceToken := env(t, "FACHNETZ_TEST_MATRIX_ALICE_TOKEN")
	env(t, "FACHNETZ_TEST_MATRIX_BOB")
	env(t, "FACHNETZ_TEST_MATRIX_BOB_TOKEN")
	api := hs + "/_matrix/client/v3"

	var who struct {
		UserID string `json:"user_id"`
	}
	call(t, http.MethodGet, api+"/account/whoami", bot, nil, &who)
	if who.UserID != botID {
		t.Fatalf("whoami with FACHNETZ_MATRIX_TOKEN = %q, want %q", who.UserID, botID)
	}

	var room struct {
		RoomID string `json:"room_id"`
	}
	call(t, http.MethodPost, api+"/createRoom", bot, map[string]any{
		"name":   "servicecheck",
		"preset": "private_chat",
		"invite": []string{alice},
	}, &room)
	rid := url.PathEscape(room.RoomID)
	call(t, http.MethodPost, api+"/rooms/"+rid+"/join", aliceToken, map[string]any{}, nil)

	body := fmt.Sprintf("servicecheck %d", time.Now().UnixNano())
	txn := fmt.Sprintf("servicecheck-%d", time.Now().UnixNano())
	var sent struct {
		EventID string `json:"event_id"`
	}
	call(t, http.MethodPut, api+"/rooms/"+rid+"/send/m.room.message/"+txn, bot, map[string]any{
		"msgtype": "m.text",
		"body":    body,
	}, &sent)
	if sent.EventID == "" {
		t.Fatal("no event_id for the message sent")
	}

	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var msgs struct {
			Chunk []struct {
				EventID string `json:"event_id"`
				Type    string `json:"type"`
				Sender  string `json:"sender"`
				Content struct {
					Body string `json:"body"`
				} `json:"content"`
			} `json:"chunk"`
		}
		call(t, http.MethodGet, api+"/rooms/"+rid+"/messages?dir=b&limit=20", aliceToken, nil, &msgs)
		for _, e := range msgs.Chunk {
			if e.Type == "m.room.message" && e.Content.Body == body {
				if e.Sender != botID || e.EventID != sent.EventID {
					t.Fatalf("alice sees %q from %s (%s), want it from %s (%s)", body, e.Sender, e.EventID, botID, sent.EventID)
				}
				return
			}
		}
	}
	t.Fatalf("alice did not see the bot's message %q in %s", body, room.RoomID)
}
