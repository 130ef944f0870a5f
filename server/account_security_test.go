package main

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/server/auth"
)

// tokenForm sends a form with an API token and no session.
func tokenForm(t *testing.T, base, token, method, path string, values url.Values) int {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// providerPerson is an account that signs in through the identity
// provider: no password, a session started as the provider's callback
// would, and an API token.
func providerPerson(t *testing.T, base string) (person, *browser) {
	t.Helper()
	ctx := context.Background()
	store := auth.NewStore(testDB.Pool)
	handle := unique("dienstkonto")
	acc, err := store.CreateAccount(ctx, auth.NewAccount{AgencyID: makeAgency(t).ID, Email: handle + "@example.org", DisplayName: "Person " + handle, Handle: handle})
	if err != nil {
		t.Fatal(err)
	}
	token, tokenHash := auth.NewTokenSecret()
	if _, err := store.CreateToken(ctx, acc.ID, "test", tokenHash); err != nil {
		t.Fatal(err)
	}
	id := "sitzung-" + handle + "-0123456789abcdefghijklmnopqrstuvwxyz"
	sum := sha256.Sum256([]byte(id))
	if err := store.CreateSession(ctx, acc.ID, sum[:], "csrf-"+handle+"-0123456789abcdefghijklmnop", time.Hour, time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, base)
	u, _ := url.Parse(base)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "fachnetz_session", Value: id, Path: "/"}})
	return person{Account: acc, Token: token}, b
}

// A leaked API token must not set a password, mint tokens that outlive
// its revocation, or revoke the owner's others: account pages need the
// browser session, and a token counts only for the API and for reading.
func TestAPITokenIsNoKeyToTheAccount(t *testing.T) {
	base := startServer(t)
	p, _ := providerPerson(t, base)
	ctx := context.Background()
	for _, tc := range []struct {
		method, path string
		values       url.Values
	}{
		{http.MethodPost, "/konto/passwort", url.Values{"new": {"neues-langes-passwort"}, "repeat": {"neues-langes-passwort"}}},
		{http.MethodPost, "/konto/tokens", url.Values{"name": {"Hintertür"}}},
		{http.MethodPost, "/konto/tokens/1/widerrufen", url.Values{}},
		{http.MethodGet, "/konto", nil},
		{http.MethodPost, "/abmelden", url.Values{}},
	} {
		if got := tokenForm(t, base, p.Token, tc.method, tc.path, tc.values); got != http.StatusForbidden {
			t.Errorf("%s %s with an API token: %d, want 403", tc.method, tc.path, got)
		}
	}
	acc, _ := auth.NewStore(testDB.Pool).AccountByID(ctx, p.ID)
	if acc.PasswordHash != nil {
		t.Error("an API token set a password")
	}
	var tokens int
	testDB.Pool.QueryRow(ctx, `SELECT count(*) FROM api_tokens WHERE account_id = $1`, p.ID).Scan(&tokens)
	if tokens != 1 {
		t.Errorf("%d tokens after the attempts, want 1", tokens)
	}
	if status, me := api(t, http.MethodGet, base+"/api/v1/me", p.Token, ""); status != http.StatusOK || me["handle"] != p.Handle {
		t.Errorf("the token no longer works for the API: %d", status)
	}
}

// An account that signs in through the identity provider gets no
// password here, not even from its own session: that would be a second
// way in the provider knows nothing of.
func TestProviderAccountGetsNoPassword(t *testing.T) {
	base := startServer(t)
	p, b := providerPerson(t, base)
	resp, body := b.get("/konto")
	if resp.StatusCode != http.StatusOK || strings.Contains(body, `action="/konto/passwort"`) || !strings.Contains(body, "Dienstkonto") {
		t.Fatalf("account page of a provider account: %d, password form shown or no word why", resp.StatusCode)
	}
	resp, body = b.post("/konto", "/konto/passwort", url.Values{"new": {"neues-langes-passwort"}, "repeat": {"neues-langes-passwort"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "kein Passwort") {
		t.Errorf("setting a password on a provider account: %d", resp.StatusCode)
	}
	if acc, _ := auth.NewStore(testDB.Pool).AccountByID(context.Background(), p.ID); acc.PasswordHash != nil {
		t.Error("a provider account got a password")
	}
	// The session still does what it may.
	if resp, _ := b.post("/konto", "/konto/tokens", url.Values{"name": {"Skript"}}); resp.StatusCode != http.StatusCreated {
		t.Errorf("creating a token in the session: %d", resp.StatusCode)
	}
}
