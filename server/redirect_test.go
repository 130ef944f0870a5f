package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A next= that a browser would turn into another host, directly or once
// a percent-encoding is undone on a later hop, becomes "/"; a path on the
// site is kept.
func TestRedirectsStayOnTheSite(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	base := startServer(t)
	bad := []string{"/%09/evil.example", "/%09%5Cevil.example", "//evil.example", "/%5Cevil.example",
		"/%2509/evil.example", "/%255C%255Cevil.example", "/%0d%0a/evil.example", "https://evil.example/", "/%2F/evil.example"}
	for _, next := range bad {
		resp, _ := get(t, base+"/sprache?lang=de&next="+next)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("/sprache?next=%s → %d %q, want 303 /", next, resp.StatusCode, loc)
		}
	}
	if resp, _ := get(t, base+"/sprache?lang=de&next=/suche%3Fq%3Dabc"); resp.Header.Get("Location") != "/suche?q=abc" {
		t.Errorf("a local next is not kept: %q", resp.Header.Get("Location"))
	}
	b := newBrowser(t, base)
	for _, next := range bad {
		raw, _ := url.QueryUnescape(strings.ReplaceAll(next, "+", "%2B"))
		resp, _ := b.post("/anmelden", "/anmelden", url.Values{"email": {p.Email}, "password": {p.Password}, "next": {raw}})
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("sign-in with next=%q → %d %q, want 303 /", raw, resp.StatusCode, loc)
		}
		// Signed in, the sign-in page sends on at once.
		resp, _ = b.get("/anmelden?next=" + next)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("/anmelden?next=%s signed in → %d %q, want 303 /", next, resp.StatusCode, loc)
		}
		b.get("/")
	}
}

// ?fehler= shows only messages of a fixed list, never text from the link.
func TestSignInPageShowsOnlyKnownMessages(t *testing.T) {
	base := startServer(t)
	for q, want := range map[string]string{
		"auth.Konto%20gesperrt.%20Bitte%20rufen%20Sie%200800-123%20an": "",
		"auth.locked":                         "",
		"Bitte%20rufen%20Sie%200800-123%20an": "",
		"auth.oidc.failed":                    "Die Anmeldung mit dem Dienstkonto ist fehlgeschlagen.",
	} {
		_, body := get(t, base+"/anmelden?fehler="+q, "Accept-Language", "de")
		for _, never := range []string{"0800-123", "Konto gesperrt", "Zu viele Fehlversuche"} {
			if strings.Contains(body, never) {
				t.Errorf("?fehler=%s shows %q", q, never)
			}
		}
		if want != "" && !strings.Contains(body, want) {
			t.Errorf("?fehler=%s does not show %q", q, want)
		}
	}
}
