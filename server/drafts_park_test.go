package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/drafts"
)

// postWithToken sends a form carrying the given CSRF token, as a tab does
// that was loaded before the browser signed in again elsewhere.
func (b *browser) postWithToken(path, token string, values url.Values, header map[string]string) (*http.Response, string) {
	b.t.Helper()
	values.Set("csrf_token", token)
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "de")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return b.do(req)
}

// After the session expired and the person signed in again in another
// tab, the first tab's forms carry an old CSRF token: what they send is
// kept as the person's own draft and the editor shows it again.
func TestSaveWithTokenOfAnEarlierSessionKeepsTheText(t *testing.T) {
	agency := makeAgency(t)
	author := makePerson(t, agency, false)
	sp := makeSpace(t, author, policies.Organisation, policies.RoleMember)
	b := newBrowser(t, startServer(t))
	b.signIn(author.Email, author.Password)
	b.get("/bereiche/" + sp.Slug + "/neu")
	resp, _ := b.post("/bereiche/"+sp.Slug+"/neu", "/bereiche/"+sp.Slug+"/seiten", url.Values{"title": {"Urlaub"}, "body": {"Alt"},
		"review_interval": {"365"}, "action": {"save"}})
	pageURL := resp.Header.Get("Location")
	editor := pageURL + "/bearbeiten"
	_, page := b.get(editor)
	key := regexp.MustCompile(`name="draft_key" value="([^"]+)"`).FindStringSubmatch(page)[1]
	stale := b.csrf

	// The session ends; the person signs in again in another tab.
	if _, err := testDB.Pool.Exec(context.Background(), `DELETE FROM sessions WHERE account_id = $1`, author.ID); err != nil {
		t.Fatal(err)
	}
	b.get("/anmelden")
	b.signIn(author.Email, author.Password)
	if b.get("/konto"); b.csrf == stale {
		t.Fatal("the new session has the old CSRF token")
	}
	form := url.Values{"title": {"Urlaub"}, "body": {"Resturlaub verfällt am 31. März."}, "review_interval": {"365"}, "base_revision": {"1"},
		"draft_key": {key}, "draft_path": {editor}, "action": {"save"}}

	// Another site cannot use this: its requests are still refused.
	if resp, _ := b.postWithToken(editor, stale, cloneValues(form), map[string]string{"Sec-Fetch-Site": "cross-site"}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a cross-site save with an old token: %d, want 403", resp.StatusCode)
	}
	if draftCount(t, author.ID) != 0 {
		t.Fatal("a cross-site request left a draft")
	}

	// The autosave of the old tab keeps the text.
	resp, _ = b.postWithToken("/entwuerfe", stale, url.Values{"draft_key": {key}, "draft_path": {editor}, "body": {"Resturlaub verfällt"}},
		map[string]string{"Sec-Fetch-Site": "same-origin", "Accept": "application/json"})
	if resp.StatusCode != http.StatusOK || draftCount(t, author.ID) != 1 {
		t.Fatalf("autosave with an old token: %d, drafts %d", resp.StatusCode, draftCount(t, author.ID))
	}

	// Saving keeps the text as a draft, changes nothing, and returns to the editor with it.
	resp, _ = b.postWithToken(editor, stale, cloneValues(form), map[string]string{"Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != editor+"?entwurf=sitzung" {
		t.Fatalf("save with an old token: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := b.get(pageURL); strings.Contains(page, "Resturlaub") {
		t.Fatal("a request with an old token changed the page")
	}
	_, page = b.get(editor + "?entwurf=sitzung")
	if !strings.Contains(page, "Resturlaub verfällt am 31. März.") || !strings.Contains(page, "Sitzung war abgelaufen") {
		t.Fatalf("the editor lacks the text or the notice:\n%s", page)
	}
	if resp, _ := b.post(editor, editor, url.Values{"title": {"Urlaub"}, "body": {"Resturlaub verfällt am 31. März."}, "review_interval": {"365"},
		"base_revision": {"1"}, "draft_key": {key}, "action": {"save"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving again with the current token: %d", resp.StatusCode)
	}
	if _, page := b.get(pageURL); !strings.Contains(page, "Resturlaub verfällt am 31. März.") {
		t.Fatal("the saved page lacks the text")
	}
}

// A save after the idle time-out keeps the text for the account whose
// session the browser still names: not for whoever signs in there next.
func TestSaveAfterIdleTimeOutKeepsTheTextForItsAuthor(t *testing.T) {
	agency := makeAgency(t)
	author, other := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, author, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	b := newBrowser(t, base)
	b.signIn(author.Email, author.Password)
	editor := "/bereiche/" + sp.Slug + "/neu"
	_, page := b.get(editor)
	key := regexp.MustCompile(`name="draft_key" value="([^"]+)"`).FindStringSubmatch(page)[1]
	if _, err := testDB.Pool.Exec(context.Background(), `UPDATE sessions SET idle_expires_at = now() - interval '1 minute' WHERE account_id = $1`, author.ID); err != nil {
		t.Fatal(err)
	}
	// The sweep of ended sessions has run meanwhile.
	if err := auth.NewStore(testDB.Pool).DeleteExpired(context.Background(), time.Minute); err != nil {
		t.Fatal(err)
	}
	resp, _ := b.postForm("/bereiche/"+sp.Slug+"/seiten", url.Values{"title": {"Urlaub"}, "body": {"Resturlaub verfällt am 31. März."}, "review_interval": {"365"},
		"draft_key": {key}, "draft_path": {editor}, "action": {"save"}}, map[string]string{"Sec-Fetch-Site": "same-origin"})
	next, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || next.Path != "/anmelden" || next.Query().Get("next") != editor+"?entwurf=sitzung" {
		t.Fatalf("save after the idle time-out: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if draftCount(t, author.ID) != 1 {
		t.Fatal("the text is not kept as the author's draft")
	}

	// Another person signs in in the same browser: the text is not theirs.
	b.get("/anmelden")
	b.signIn(other.Email, other.Password)
	if _, page := b.get(editor + "?entwurf=sitzung"); strings.Contains(page, "Resturlaub") || draftCount(t, other.ID) != 0 {
		t.Fatal("the next person to sign in in the browser got the author's text")
	}

	a := newBrowser(t, base)
	a.signIn(author.Email, author.Password)
	if _, page := a.get(editor + "?entwurf=sitzung"); !strings.Contains(page, "Resturlaub verfällt am 31. März.") || !strings.Contains(page, "Sitzung war abgelaufen") {
		t.Fatalf("the author's editor lacks the text or the notice:\n%s", page)
	}
}

// Claiming a parked text keeps the account's draft when that is newer.
func TestClaimingKeepsTheNewerDraft(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	ctx := context.Background()
	store := drafts.NewStore(testDB.Pool)
	now := time.Now()
	secret := []byte("0123456789abcdef0123456789abcdef")
	if err := store.Park(ctx, secret, "wiki-new:7", "/bereiche/x/neu", map[string]string{"body": "geparkt"}, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Save(ctx, p.ID, "wiki-new:7", "/bereiche/x/neu", map[string]string{"body": "neuer"}, now); err != nil {
		t.Fatal(err)
	}
	if err := store.Park(ctx, secret, "wiki-new:8", "/bereiche/y/neu", map[string]string{"body": "nur geparkt"}, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Claim(ctx, secret, p.ID, now.Add(-drafts.ParkedRetention)); err != nil {
		t.Fatal(err)
	}
	if d, err := store.Get(ctx, p.ID, "wiki-new:7"); err != nil || d.Fields["body"] != "neuer" {
		t.Fatalf("the older parked text replaced the newer draft: %v %v", d.Fields, err)
	}
	if d, err := store.Get(ctx, p.ID, "wiki-new:8"); err != nil || d.Fields["body"] != "nur geparkt" {
		t.Fatalf("the parked text was not claimed: %v %v", d.Fields, err)
	}
}

// Keeping texts without a valid session is limited in size, per browser
// and per client address, so that nobody can fill the database with it.
func TestParkingIsLimited(t *testing.T) {
	base := startServerWith(t, map[string]string{"FACHNETZ_TRUSTED_PROXIES": "127.0.0.1"})
	address := func() string { return fmt.Sprintf("10.%d.%d.%d", rand.IntN(256), rand.IntN(256), rand.IntN(256)) }
	park := func(b *browser, from, key, text string) *http.Response {
		t.Helper()
		resp, _ := b.postForm("/entwuerfe", url.Values{"draft_key": {key}, "draft_path": {"/bereiche/x/neu"}, "body": {text}},
			map[string]string{"Sec-Fetch-Site": "same-origin", "X-Forwarded-For": from})
		return resp
	}
	parkedRows := func() int {
		var n int
		if err := testDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM drafts WHERE pending_hash IS NOT NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// A page's longest text is kept; a body past that is not.
	from := address()
	before := parkedRows()
	if resp := park(newBrowser(t, base), from, "wiki-new:1", strings.Repeat("a", 500_000)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("parking a long page: %d", resp.StatusCode)
	}
	if resp := park(newBrowser(t, base), from, "wiki-new:1", strings.Repeat("a", 600_001)); resp.StatusCode == http.StatusSeeOther || parkedRows() != before+1 {
		t.Fatalf("parking 600 KB: %d, %d rows more", resp.StatusCode, parkedRows()-before)
	}

	// A secret the browser brings is used only when something is parked under it.
	b := newBrowser(t, base)
	u, _ := url.Parse(base)
	chosen := strings.Repeat("x", 43)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "fachnetz_draft", Value: chosen, Path: "/"}})
	park(b, from, "wiki-new:1", "Text")
	secret := b.cookie("fachnetz_draft")
	if secret == chosen || secret == "" {
		t.Fatalf("parking used the secret the browser brought: %q", secret)
	}
	park(b, from, "wiki-new:2", "Text")
	if b.cookie("fachnetz_draft") != secret {
		t.Fatal("a second text in the browser is parked under another secret")
	}

	// One browser keeps at most 20 texts; changing one of them is fine.
	for i := 3; i <= 20; i++ {
		if resp := park(b, address(), "wiki-new:"+strconv.Itoa(i), "Text"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("parking text %d: %d", i, resp.StatusCode)
		}
	}
	if resp := park(b, address(), "wiki-new:21", "Text"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("parking a 21st text in one browser: %d, want 429", resp.StatusCode)
	}
	if resp := park(b, address(), "wiki-new:20", "Anderer Text"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("changing a parked text: %d", resp.StatusCode)
	}

	// One address keeps at most auth.ParkingsPerHour texts an hour.
	from = address()
	for i := 0; i < auth.ParkingsPerHour; i++ {
		if resp := park(newBrowser(t, base), from, "wiki-new:1", "Text"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("parking %d from one address: %d", i+1, resp.StatusCode)
		}
	}
	if resp := park(newBrowser(t, base), from, "wiki-new:1", "Text"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("parking past the limit of the address: %d, want 429", resp.StatusCode)
	}
	if resp := park(newBrowser(t, base), address(), "wiki-new:1", "Text"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("parking from another address: %d", resp.StatusCode)
	}
}
