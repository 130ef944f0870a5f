package main

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/fachnetz/fachnetz/server/auth"
)

// limitServer trusts the test's own address as a proxy, so that each test
// names its clients' addresses and the per-address limit of one test does
// not count another's attempts.
func limitServer(t *testing.T) string {
	return startServerWith(t, map[string]string{"FACHNETZ_TRUSTED_PROXIES": "127.0.0.1,::1"})
}

// signInFrom posts the sign-in form as the browser at addr.
func (b *browser) signInFrom(addr, email, password string) *http.Response {
	b.t.Helper()
	if b.csrf == "" {
		b.get("/anmelden")
	}
	req, _ := http.NewRequest(http.MethodPost, b.base+"/anmelden", strings.NewReader(url.Values{
		"email": {email}, "password": {password}, "next": {"/konto"}, "csrf_token": {b.csrf},
	}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	resp, _ := b.do(req)
	return resp
}

// signOut signs the browser out with the session's own form token and
// forgets it, as the next page will show another.
func (b *browser) signOut() {
	b.t.Helper()
	b.get("/konto")
	if resp, _ := b.post("/konto", "/abmelden", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign-out: %d", resp.StatusCode)
	}
	b.csrf = ""
}

func signInFailures(t *testing.T, key string) int {
	t.Helper()
	var n int
	if err := testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sign_in_failures WHERE key = $1`, key).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Fifty wrong passwords at once: the limit is counted and recorded in one
// step, so no more than the limit of them are tried.
func TestParallelWrongPasswordsStopAtTheLimit(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	b := newBrowser(t, limitServer(t))
	b.get("/anmelden")
	form := url.Values{"email": {p.Email}, "password": {"falsch"}, "csrf_token": {b.csrf}}.Encode()
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, b.base+"/anmelden", strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", "192.0.2.50")
			resp, err := b.client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[http.StatusUnauthorized] > 5 || statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests] != 50 {
		t.Errorf("answers to 50 parallel wrong passwords: %v, want at most 5 tried (401), the rest 429", statuses)
	}
	if n := signInFailures(t, "email:"+strings.ToLower(p.Email)); n > 5 {
		t.Errorf("%d failures recorded for the account, want at most 5", n)
	}
}

// Someone guessing a person's password locks new browsers out, not the
// browser the person signed in with before; that browser is still held to
// a limit of its own.
func TestKnownBrowserSignsInDuringAnAttack(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	base := limitServer(t)
	own := newBrowser(t, base)
	if resp := own.signInFrom("192.0.2.60", p.Email, p.Password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d", resp.StatusCode)
	}
	if own.cookie("fachnetz_device") == "" {
		t.Fatal("no device cookie after sign-in")
	}
	own.signOut()

	attacker := newBrowser(t, base)
	for i := 0; i < 6; i++ {
		attacker.signInFrom("198.51.100.7", p.Email, "geraten")
	}
	if resp := attacker.signInFrom("198.51.100.7", p.Email, p.Password); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the attacker with the right password during the lock: %d, want 429", resp.StatusCode)
	}
	fresh := newBrowser(t, base)
	if resp := fresh.signInFrom("192.0.2.61", p.Email, p.Password); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a new browser during the lock: %d, want 429", resp.StatusCode)
	}
	if resp := own.signInFrom("192.0.2.60", p.Email, p.Password); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/konto" {
		t.Fatalf("the person's own browser during the attack: %d, want 303", resp.StatusCode)
	}

	// The device cookie buys no more guesses than a lock allows.
	own.signOut()
	for i := 0; i < 5; i++ {
		if resp := own.signInFrom("192.0.2.60", p.Email, "vertippt"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d from the known browser: %d", i+1, resp.StatusCode)
		}
	}
	if resp := own.signInFrom("192.0.2.60", p.Email, p.Password); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the known browser after five wrong passwords of its own: %d, want 429", resp.StatusCode)
	}

	// A cookie of another account, or a forged one, is no way past the lock.
	other := makePerson(t, makeAgency(t), false)
	stranger := newBrowser(t, base)
	stranger.signInFrom("192.0.2.62", other.Email, other.Password)
	stranger.signOut()
	if resp := stranger.signInFrom("192.0.2.62", p.Email, p.Password); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a browser known to another account: %d, want 429", resp.StatusCode)
	}
}

func TestForgetSignInsDeletesTheAttemptsThatNameThePerson(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	b := newBrowser(t, limitServer(t))
	b.signInFrom("192.0.2.70", p.Email, p.Password)
	b.signOut()
	b.signInFrom("192.0.2.70", p.Email, "falsch") // under the device
	newBrowser(t, b.base).signInFrom("192.0.2.71", strings.ToUpper(p.Email), "falsch")
	ctx := context.Background()
	count := func() int {
		var n int
		testDB.Pool.QueryRow(ctx, `SELECT count(*) FROM sign_in_failures WHERE key = $1 OR key LIKE $2`,
			"email:"+strings.ToLower(p.Email), "device:"+strconv.FormatInt(p.ID, 10)+":%").Scan(&n)
		return n
	}
	if n := count(); n != 2 {
		t.Fatalf("%d attempts recorded, want 2", n)
	}
	if err := auth.ForgetSignIns(ctx, testDB.Pool, p.ID); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d attempts left after ForgetSignIns", n)
	}
}
