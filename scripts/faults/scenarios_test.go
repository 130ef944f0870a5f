package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

func failed(status int, msg string) op {
	return op{start: at(1), end: at(2), status: status, err: errors.New(msg)}
}

func TestTallyCountsAcksAndFailures(t *testing.T) {
	ops := []op{{write: true, start: at(0), end: at(1)}, failed(503, "weg"), {start: at(1), end: at(1.5)}, failed(0, "timeout")}
	s := tally(ops, []ack{{kind: "page"}, {kind: "answer"}})
	if s.acked != 2 || len(s.errors) != 2 || s.errors[0].status != 503 || s.errors[1].status != 0 {
		t.Errorf("tally: %+v", s)
	}
}

// Only successful writes count, and only those sent from the moment on.
func TestWritesAfterAMoment(t *testing.T) {
	ops := []op{
		{write: true, start: at(1), end: at(2)},                                    // before
		{write: true, start: at(5), end: at(9)},                                    // after, answered late
		{write: true, start: at(6), end: at(7)},                                    // after, answered first
		{write: false, start: at(5), end: at(5.5)},                                 // a read
		{write: true, start: at(5), end: at(6), err: errors.New("x"), status: 503}, // failed
	}
	if got := firstWriteAfter(ops, at(5)); !got.Equal(at(7)) {
		t.Errorf("first write after 5 s ended at %v, want 7 s", got.Sub(t0))
	}
	if got := firstWriteAfter(ops, at(10)); !got.IsZero() {
		t.Errorf("no write after 10 s, got %v", got)
	}
	if n := countWrites(ops, at(5), at(8)); n != 1 {
		t.Errorf("writes within 5–8 s: %d, want 1", n)
	}
	if n := countWrites(ops, at(0), at(10)); n != 3 {
		t.Errorf("all successful writes: %d, want 3", n)
	}
}

func TestStatusesExamplesAndDescribe(t *testing.T) {
	ops := []op{failed(503, "a"), failed(503, "b"), failed(0, "keine Antwort"), failed(500, "kaputt")}
	if got := statuses(ops); got != "500 ×1, 503 ×2, no answer ×1" {
		t.Errorf("statuses = %q", got)
	}
	if got := statuses(nil); got != "none" {
		t.Errorf("no failures: %q", got)
	}
	ex := examples(ops)
	if strings.Join(ex, "|") != "0: keine Antwort|500: kaputt|503: a" {
		t.Errorf("examples = %q", ex)
	}
	if got := describe(ops); !strings.HasPrefix(got, "500 ×1, 503 ×2, no answer ×1; e.g. 0: keine Antwort | ") {
		t.Errorf("describe = %q", got)
	}
}

func TestSlowest(t *testing.T) {
	ops := []op{{start: at(0), end: at(1)}, {start: at(2), end: at(5.5)}, {start: at(3), end: at(4)}}
	if got := slowest(ops); got != 3500*time.Millisecond {
		t.Errorf("slowest = %v", got)
	}
	if slowest(nil) != 0 {
		t.Error("no ops, no time")
	}
}

func TestLimitAndNum(t *testing.T) {
	var msgs []string
	for i := range 13 {
		msgs = append(msgs, fmt.Sprint(i))
	}
	got := limit(msgs)
	if len(got) != 11 || got[9] != "9" || got[10] != "… and 3 more" || len(msgs) != 13 || msgs[10] != "10" {
		t.Errorf("limit: %q (input now %q)", got, msgs)
	}
	if got := limit(msgs[:10]); len(got) != 10 {
		t.Errorf("ten stay ten: %q", got)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 123456: "123,456", 1234567: "1,234,567"} {
		if got := num(n); got != want {
			t.Errorf("num(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestSummaryFailsOnAnyProblem(t *testing.T) {
	r := &runner{began: time.Now()}
	pass := result{name: "PostgreSQL stopped", acked: 1200}
	if code := r.summary([]result{pass}); code != 0 {
		t.Errorf("all passed: %d", code)
	}
	if code := r.summary([]result{pass, {name: "Meilisearch killed", problems: []string{"3 lost"}}}); code != 1 {
		t.Errorf("one failed: %d", code)
	}
	if code := r.summary(nil); code != 1 {
		t.Errorf("no scenario run: %d", code)
	}
}

func TestHAProxyConfig(t *testing.T) {
	cfg := haproxyConfig(24567, []*proc{{name: "server-a", addr: "127.0.0.1:1001"}, {name: "server-b", addr: "127.0.0.1:1002"}})
	for _, want := range []string{
		"bind 127.0.0.1:24567\n",
		"option httpchk GET /healthz\n",
		"retry-on conn-failure\n",
		"\tserver server-a 127.0.0.1:1001 check\n",
		"\tserver server-b 127.0.0.1:1002 check\n",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
	// Retrying a request a server had taken could apply a write twice.
	if strings.Contains(cfg, "retry-on all") || strings.Contains(cfg, "/readyz") {
		t.Errorf("config retries too much or checks readiness:\n%s", cfg)
	}
}
