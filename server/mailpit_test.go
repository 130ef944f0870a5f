package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// mailpit reads what arrived at the test mail server (Mailpit, started by
// the test scripts) through its HTTP API.
type mailpit struct{ base string }

// mailServer returns the settings that send a test server's mail to
// Mailpit, and a reader of what arrives there.
func mailServer(t testing.TB) (map[string]string, mailpit) {
	t.Helper()
	vars := map[string]string{}
	for _, k := range []string{"FACHNETZ_SMTP_HOST", "FACHNETZ_SMTP_PORT", "FACHNETZ_SMTP_TLS", "FACHNETZ_SMTP_FROM", "FACHNETZ_TEST_MAILPIT_URL"} {
		if vars[k] = os.Getenv(k); vars[k] == "" {
			t.Fatalf("%s is not set: run tests through scripts/with-services.sh or make test, which start Mailpit", k)
		}
	}
	// Digests go out half a day from now: a test running at the digest hour
	// would otherwise see them sent before the test makes them due.
	vars["FACHNETZ_DIGEST_HOUR"] = strconv.Itoa((time.Now().Hour() + 12) % 24)
	return vars, mailpit{base: strings.TrimRight(vars["FACHNETZ_TEST_MAILPIT_URL"], "/")}
}

type mailSummary struct {
	ID        string `json:"ID"`
	MessageID string `json:"MessageID"`
	Subject   string `json:"Subject"`
	To        []struct {
		Address string `json:"Address"`
	} `json:"To"`
}

type mailMessage struct {
	mailSummary
	Text string `json:"Text"`
	HTML string `json:"HTML"`
}

func (m mailpit) get(t testing.TB, path string, out any) {
	t.Helper()
	resp, err := http.Get(m.base + path)
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

// to lists the messages to an address, newest first.
func (m mailpit) to(t testing.TB, address string) []mailSummary {
	t.Helper()
	var out struct {
		Messages []mailSummary `json:"messages"`
	}
	m.get(t, "/api/v1/search?limit=200&query="+url.QueryEscape("to:"+address), &out)
	return out.Messages
}

// message returns one message with its text and HTML.
func (m mailpit) message(t testing.TB, id string) mailMessage {
	t.Helper()
	var out mailMessage
	m.get(t, "/api/v1/message/"+url.PathEscape(id), &out)
	return out
}

// headers returns one message's headers.
func (m mailpit) headers(t testing.TB, id string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	m.get(t, "/api/v1/message/"+url.PathEscape(id)+"/headers", &out)
	return out
}
