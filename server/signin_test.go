package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.base)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func (b *browser) signIn(email, password string) (*http.Response, string) {
	b.t.Helper()
	return b.post("/anmelden", "/anmelden", url.Values{"email": {email}, "password": {password}, "next": {"/konto"}})
}

func TestSignInAndOut(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	base := startServer(t)
	b := newBrowser(t, base)
	resp, _ := b.signIn(p.Email, p.Password)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/konto" {
		t.Fatalf("sign-in: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := b.get("/konto")
	if !strings.Contains(body, p.DisplayName) {
		t.Fatal("account page does not show the signed-in person")
	}
	b.post("/konto", "/abmelden", url.Values{})
	if resp, _ := b.get("/konto"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/anmelden") {
		t.Fatalf("after sign-out /konto answered %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// An attacker who plants a session id in a victim's browser before sign-in
// must not be signed in with it afterwards, and an earlier session of the
// same browser ends when a new one starts.
func TestSessionIDChangesAtSignIn(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	base := startServer(t)
	b := newBrowser(t, base)
	u, _ := url.Parse(base)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "fachnetz_session", Value: "planted-by-an-attacker", Path: "/"}})
	b.signIn(p.Email, p.Password)
	first := b.cookie("fachnetz_session")
	if first == "" || first == "planted-by-an-attacker" {
		t.Fatalf("session cookie after sign-in: %q", first)
	}
	b.get("/konto") // a signed-in page, for the session's CSRF token
	if resp, _ := b.signIn(p.Email, p.Password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", resp.StatusCode)
	}
	second := b.cookie("fachnetz_session")
	if second == first {
		t.Fatal("the session id stayed the same at a second sign-in")
	}
	old := newBrowser(t, base)
	old.client.Jar.SetCookies(u, []*http.Cookie{{Name: "fachnetz_session", Value: first, Path: "/"}})
	if resp, _ := old.get("/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the replaced session still works: %d", resp.StatusCode)
	}
}

func TestFormPostWithoutCSRFTokenIsRejected(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	base := startServer(t)
	b := newBrowser(t, base)
	b.signIn(p.Email, p.Password)
	for _, token := range []string{"", "forged"} {
		form := url.Values{"name": {"Skript"}}
		if token != "" {
			form.Set("csrf_token", token)
		}
		req, _ := http.NewRequest(http.MethodPost, base+"/konto/tokens", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, body := b.do(req)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Formular ist abgelaufen") {
			t.Errorf("token %q: status %d", token, resp.StatusCode)
		}
	}
	var n int
	testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM api_tokens WHERE account_id = $1 AND name = 'Skript'`, p.ID).Scan(&n)
	if n != 0 {
		t.Fatal("a forged form created a token")
	}
	// The same form with the page's token works.
	if resp, _ := b.post("/konto", "/konto/tokens", url.Values{"name": {"Skript"}}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("genuine form: %d", resp.StatusCode)
	}
}

func TestSixthWrongPasswordLocksTheAccount(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	base := startServer(t)
	b := newBrowser(t, base)
	for i := 1; i <= 5; i++ {
		resp, body := b.signIn(p.Email, "falsch")
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "E-Mail-Adresse oder Passwort ist falsch.") {
			t.Fatalf("wrong password %d: status %d", i, resp.StatusCode)
		}
	}
	resp, body := b.signIn(p.Email, "falsch")
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "gesperrt") {
		t.Fatalf("sixth wrong password: status %d", resp.StatusCode)
	}
	resp, _ = b.signIn(p.Email, p.Password)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password during the lock: status %d, want 429", resp.StatusCode)
	}
	// The lock ends when its failures age out of the window.
	testDB.Pool.Exec(context.Background(), `UPDATE sign_in_failures SET failed_at = now() - interval '1 hour' WHERE key = $1`, "email:"+strings.ToLower(p.Email))
	if resp, _ := b.signIn(p.Email, p.Password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("right password after the lock: status %d", resp.StatusCode)
	}
}

func TestUnknownAccountGetsTheSameAnswer(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t, base)
	resp, body := b.signIn("niemand@example.org", "irgendwas")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "E-Mail-Adresse oder Passwort ist falsch.") {
		t.Fatalf("unknown account: %d", resp.StatusCode)
	}
	if !strings.Contains(body, `value="niemand@example.org"`) {
		t.Fatal("the form does not keep the typed address")
	}
}

func TestExpiredSessionsSignOut(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	base := startServer(t)
	for _, column := range []string{"idle_expires_at", "expires_at"} {
		b := newBrowser(t, base)
		b.signIn(p.Email, p.Password)
		if resp, _ := b.get("/konto"); resp.StatusCode != http.StatusOK {
			t.Fatalf("fresh session: %d", resp.StatusCode)
		}
		testDB.Pool.Exec(context.Background(), `UPDATE sessions SET `+column+` = now() - interval '1 second' WHERE account_id = $1`, p.ID)
		if resp, _ := b.get("/konto"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/anmelden") {
			t.Fatalf("%s passed: /konto answered %d", column, resp.StatusCode)
		}
	}
}

// A session's idle time-out is extended with a write at most every few
// minutes; at the session's end it cannot grow, and reading pages there
// must not write on every request.
func TestSessionsNearTheirEndAreNotWrittenOnEveryRequest(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	base := startServer(t)
	b := newBrowser(t, base)
	b.signIn(p.Email, p.Password)
	ctx := context.Background()
	testDB.Pool.Exec(ctx, `UPDATE sessions SET expires_at = now() + interval '10 minutes', idle_expires_at = now() + interval '10 minutes' WHERE account_id = $1`, p.ID)
	version := func() string {
		var xmin string
		if err := testDB.Pool.QueryRow(ctx, `SELECT xmin::text FROM sessions WHERE account_id = $1`, p.ID).Scan(&xmin); err != nil {
			t.Fatal(err)
		}
		return xmin
	}
	before := version()
	for range 3 {
		if resp, _ := b.get("/konto"); resp.StatusCode != http.StatusOK {
			t.Fatalf("session near its end: %d", resp.StatusCode)
		}
	}
	if after := version(); after != before {
		t.Fatalf("the session row was written (xmin %s, then %s)", before, after)
	}
}

func TestAPITokenLifecycle(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	base := startServer(t)
	status, me := api(t, http.MethodGet, base+"/api/v1/me", p.Token, "")
	if status != http.StatusOK || me["handle"] != p.Handle {
		t.Fatalf("/me with token: %d %v", status, me)
	}
	var lastUsed *string
	testDB.Pool.QueryRow(context.Background(), `SELECT last_used_on::text FROM api_tokens WHERE account_id = $1`, p.ID).Scan(&lastUsed)
	if lastUsed == nil {
		t.Fatal("last use not recorded")
	}
	testDB.Pool.Exec(context.Background(), `UPDATE api_tokens SET revoked_at = now() WHERE account_id = $1`, p.ID)
	if status, _ := api(t, http.MethodGet, base+"/api/v1/me", p.Token, ""); status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", status)
	}
	if status, _ := api(t, http.MethodGet, base+"/api/v1/me", "", ""); status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", status)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	for _, tc := range []struct {
		baseURL, name string
		secure        bool
	}{
		{"http://127.0.0.1:8080", "fachnetz_session", false},
		{"https://fachnetz.behoerde.example", "__Host-fachnetz_session", true},
	} {
		base := startServerWith(t, map[string]string{"FACHNETZ_BASE_URL": tc.baseURL})
		b := newBrowser(t, base)
		b.get("/anmelden")
		// A Secure cookie does not come back over plain HTTP, so read the
		// token from the page and the cookie from the answer.
		req, _ := http.NewRequest(http.MethodPost, base+"/anmelden", strings.NewReader(url.Values{
			"email": {p.Email}, "password": {p.Password}, "csrf_token": {b.csrf},
		}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		u, _ := url.Parse(base)
		for _, c := range b.client.Jar.Cookies(u) {
			req.AddCookie(c)
		}
		if tc.secure {
			// The browser would send the __Host- CSRF cookie over TLS only.
			req.AddCookie(&http.Cookie{Name: "__Host-fachnetz_csrf", Value: b.csrf})
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var session *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == tc.name {
				session = c
			}
		}
		if session == nil {
			t.Fatalf("%s: no %s cookie (status %d)", tc.baseURL, tc.name, resp.StatusCode)
		}
		if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure != tc.secure || session.Path != "/" {
			t.Errorf("%s: cookie %+v", tc.baseURL, session)
		}
		if len(session.Value) < 43 { // 32 random bytes, base64
			t.Errorf("session id %q is shorter than 256 bits", session.Value)
		}
		if tc.secure && resp.Header.Get("Strict-Transport-Security") == "" {
			t.Error("no HSTS on an https instance")
		}
	}
}

// Another site can send Accept: application/json with a form; that must
// not let a forged sign-in (into the attacker's account) skip the token.
func TestAnonymousFormWithJSONAcceptStillNeedsTheToken(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	base := startServer(t)
	b := newBrowser(t, base)
	form := url.Values{"email": {p.Email}, "password": {p.Password}}
	req, _ := http.NewRequest(http.MethodPost, base+"/anmelden", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if resp, _ := b.do(req); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("forged sign-in: %d", resp.StatusCode)
	}
	if b.cookie("fachnetz_session") != "" || b.cookie("__Host-fachnetz_session") != "" {
		t.Fatal("the forged sign-in started a session")
	}
}
