package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// The tests of this package share one database and every sender claims
// any due delivery, so they run one after another, and each leaves no
// pending delivery behind.
func finish(t *testing.T) {
	t.Cleanup(func() {
		db.Pool.Exec(context.Background(), `UPDATE webhook_deliveries SET state = 'skipped', done_at = now() WHERE state = 'pending'`) //nolint:errcheck
	})
}

func TestDeliveryIsSignedPerStandardWebhooks(t *testing.T) {
	finish(t)
	rc := newReceiver(t, func(int) int { return http.StatusNoContent })
	f := newFixture(t, rc.trust(fastConfig()))
	owner, _ := f.person("owner")
	space := f.space(owner, nil)
	r := f.engine()
	e, secret := f.register(r, owner, space, rc.srv.URL+"/hook", notify.KindQuestion)
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q lacks whsec_", secret)
	}
	if key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_")); err != nil || len(key) < 24 || len(key) > 32 {
		t.Fatalf("secret key: %d bytes, %v", len(key), err)
	}
	// An event of a kind the endpoint did not choose is not sent.
	f.ask(space, owner, 41)
	pageEv := notify.Event{Kind: notify.KindPageCreated, SpaceID: space.ID, SubjectType: "page", SubjectID: 7, Title: "Seite", URL: "/bereiche/" + space.Slug + "/seiten/7"}
	notifyNow(t, f, pageEv)
	f.run(f.hooks)
	waitFor(t, "delivery", func() bool { return len(rc.requests()) > 0 })
	time.Sleep(200 * time.Millisecond)
	got := rc.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1 (the question only)", len(got))
	}
	req := got[0]

	// The official library accepts the signature.
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(req.body, req.header); err != nil {
		t.Fatalf("standard-webhooks library rejects the delivery: %v\nheaders %v", err, req.header)
	}
	// And a wrong secret does not: the check can fail.
	other, _ := standardwebhooks.NewWebhook("whsec_" + base64.StdEncoding.EncodeToString([]byte("another-secret-of-24-bytes!!")))
	if other.Verify(req.body, req.header) == nil {
		t.Fatal("a wrong secret verifies")
	}
	// The same, written from the specification, sharing nothing with Sign.
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(req.header.Get("webhook-id") + "." + req.header.Get("webhook-timestamp") + "." + string(req.body)))
	if want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)); req.header.Get("webhook-signature") != want {
		t.Fatalf("webhook-signature %q, want %q", req.header.Get("webhook-signature"), want)
	}
	if ct := req.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}

	var p map[string]any
	if err := json.Unmarshal(req.body, &p); err != nil {
		t.Fatal(err)
	}
	data, _ := p["data"].(map[string]any)
	if p["type"] != "question.asked" || data["space"] != space.Slug || data["id"] != float64(41) ||
		data["title"] != "Wie beantrage ich Sonderurlaub?" || data["url"] != "https://fachnetz.example.org/fragen/41" || len(data) != 4 || len(p) != 3 {
		t.Fatalf("payload %s", req.body)
	}
	if _, err := time.Parse(time.RFC3339, p["timestamp"].(string)); err != nil {
		t.Fatalf("timestamp: %v", err)
	}
	if strings.Contains(string(req.body), "@example.org") {
		t.Fatal("the payload names a person")
	}
	waitFor(t, "log", func() bool { l := f.deliveries(e.ID); return len(l) == 1 && l[0].State == "delivered" })
}

func notifyNow(t *testing.T, f *fixture, ev notify.Event) {
	t.Helper()
	err := postgres.WithTx(context.Background(), db.Pool, func(tx pgx.Tx) error { return f.notifier.Notify(context.Background(), tx, ev, nil) })
	if err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestFailedDeliveriesAreRetriedWithTheSameID(t *testing.T) {
	finish(t)
	rc := newReceiver(t, func(n int) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	f := newFixture(t, rc.trust(fastConfig()))
	owner, _ := f.person("owner")
	space := f.space(owner, nil)
	r := f.engine()
	e, _ := f.register(r, owner, space, rc.srv.URL, notify.KindQuestion)
	f.ask(space, owner, 5)
	f.run(f.hooks)
	waitFor(t, "delivered", func() bool { l := f.deliveries(e.ID); return len(l) == 1 && l[0].State == "delivered" })

	got := rc.requests()
	if len(got) != 3 {
		t.Fatalf("%d requests, want 3", len(got))
	}
	for _, g := range got[1:] {
		if g.header.Get("webhook-id") != got[0].header.Get("webhook-id") || string(g.body) != string(got[0].body) {
			t.Fatal("a retry has another webhook-id or body")
		}
	}
	d := f.deliveries(e.ID)[0]
	if d.Attempts != 3 || d.LastStatus == nil || *d.LastStatus != 200 || "msg_"+d.UID != got[0].header.Get("webhook-id") {
		t.Fatalf("delivery %+v", d)
	}
	attempts, err := f.hooks.store.Attempts(context.Background(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []int
	for _, a := range attempts {
		statuses = append(statuses, *a.Status)
	}
	if len(statuses) != 3 || statuses[0] != 500 || statuses[1] != 500 || statuses[2] != 200 {
		t.Fatalf("attempts %v", statuses)
	}
	if gap := attempts[1].At.Sub(attempts[0].At); gap < 90*time.Millisecond {
		t.Fatalf("retried after %v, before the backoff", gap)
	}
	// The owner sees the log, in the API and as a table.
	expect(t, do(r, owner, "GET", "/api/v1/spaces/"+space.Slug+"/webhooks/"+itoa(e.ID), nil), http.StatusOK,
		`"type":"question.asked"`, `"attempts":3`, `"last_status":200`, `"state":"delivered"`)
	expect(t, do(r, owner, "GET", "/bereiche/"+space.Slug+"/webhooks/"+itoa(e.ID), nil), http.StatusOK,
		"<caption", "question.asked", "<td class=\"kern-table__cell\">3</td>", "200", "Zugestellt")
	// Its endpoint is healthy again.
	if ep, _ := f.hooks.store.Endpoint(context.Background(), space.ID, e.ID); ep.FailingSince != nil || !ep.Active {
		t.Fatalf("endpoint %+v", ep)
	}
}

func TestEndpointOfAFormerMemberReceivesNothing(t *testing.T) {
	finish(t)
	rc := newReceiver(t, func(int) int { return http.StatusOK })
	f := newFixture(t, rc.trust(fastConfig()))
	owner, _ := f.person("owner")
	former, formerHandle := f.person("former")
	space := f.space(owner, map[string]policies.Role{formerHandle: policies.RoleOwner})
	r := f.engine()
	e, _ := f.register(r, former, space, rc.srv.URL, notify.KindQuestion)
	if err := f.spaces.RemoveMember(context.Background(), space, formerHandle); err != nil {
		t.Fatal(err)
	}
	f.ask(space, owner, 9)
	f.run(f.hooks)
	waitFor(t, "dropped", func() bool { l := f.deliveries(e.ID); return len(l) == 1 && l[0].State == "skipped" })
	time.Sleep(200 * time.Millisecond)
	if n := len(rc.requests()); n != 0 {
		t.Fatalf("the endpoint of someone who left the space got %d requests", n)
	}
}

func TestTwoSendersDeliverEachEventOnce(t *testing.T) {
	finish(t)
	rc := newReceiver(t, func(int) int { return http.StatusOK })
	rc.delay = 20 * time.Millisecond
	cfg := rc.trust(fastConfig())
	f := newFixture(t, cfg)
	owner, _ := f.person("owner")
	space := f.space(owner, nil)
	e, _ := f.register(f.engine(), owner, space, rc.srv.URL, notify.KindQuestion)
	const events = 30
	var wg sync.WaitGroup
	for i := range events {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.ask(space, owner, int64(100+i))
		}()
	}
	wg.Wait()
	f.run(f.hooks)
	f.run(f.sender(cfg))
	waitFor(t, "all delivered", func() bool {
		for _, d := range f.deliveries(e.ID) {
			if d.State != "delivered" {
				return false
			}
		}
		return true
	})
	time.Sleep(300 * time.Millisecond)
	seen := map[string]int{}
	for _, g := range rc.requests() {
		seen[g.header.Get("webhook-id")]++
	}
	if len(seen) != events || len(rc.requests()) != events {
		t.Fatalf("%d requests with %d ids, want %d each", len(rc.requests()), len(seen), events)
	}
}

func TestFailingEndpointIsSwitchedOffAndItsCreatorTold(t *testing.T) {
	finish(t)
	rc := newReceiver(t, func(int) int { return http.StatusServiceUnavailable })
	cfg := rc.trust(fastConfig())
	cfg.OffAfter = 300 * time.Millisecond
	f := newFixture(t, cfg)
	owner, _ := f.person("owner")
	space := f.space(owner, nil)
	r := f.engine()
	e, _ := f.register(r, owner, space, rc.srv.URL, notify.KindQuestion)
	f.ask(space, owner, 3)
	f.run(f.hooks)
	waitFor(t, "switched off", func() bool {
		ep, err := f.hooks.store.Endpoint(context.Background(), space.ID, e.ID)
		return err == nil && !ep.Active
	})
	list, err := f.notifier.List(context.Background(), owner, false, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Kind != KindOff || list[0].URL != "/bereiche/"+space.Slug+"/webhooks/"+itoa(e.ID) {
		t.Fatalf("notifications %+v", list)
	}
	waitFor(t, "dropped", func() bool { l := f.deliveries(e.ID); return len(l) == 1 && l[0].State == "skipped" })
	expect(t, do(r, owner, "GET", "/bereiche/"+space.Slug+"/webhooks/"+itoa(e.ID), nil), http.StatusOK, "Abgeschaltet seit", "Wieder einschalten")
	expect(t, do(r, owner, "POST", "/bereiche/"+space.Slug+"/webhooks/"+itoa(e.ID)+"/einschalten", nil), http.StatusSeeOther)
	if ep, _ := f.hooks.store.Endpoint(context.Background(), space.ID, e.ID); !ep.Active || ep.FailingSince != nil {
		t.Fatalf("after switching on: %+v", ep)
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	h := New(nil, nil, nil, nil, Config{})
	want := []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := h.backoff(i + 1); got != w {
			t.Errorf("after attempt %d: %v, want %v", i+1, got, w)
		}
	}
	if h.cfg.Lease < h.cfg.Timeout || h.cfg.OffAfter != 72*time.Hour {
		t.Errorf("defaults %+v", h.cfg)
	}
}
