package webhook

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

func TestOnlyOwnersAndAdminsSeeWebhooks(t *testing.T) {
	finish(t)
	f := newFixture(t, fastConfig())
	owner, _ := f.person("owner")
	reader, readerHandle := f.person("reader")
	moderator, moderatorHandle := f.person("moderator")
	stranger, _ := f.person("stranger")
	space := f.space(owner, map[string]policies.Role{readerHandle: policies.RoleViewer, moderatorHandle: policies.RoleModerator})
	r := f.engine()
	e, _ := f.register(r, owner, space, "https://127.0.0.1:9/hook", "page_created")
	base := "/bereiche/" + space.Slug + "/webhooks"
	api := "/api/v1/spaces/" + space.Slug + "/webhooks"
	for _, who := range []int64{reader, moderator, stranger} {
		for _, req := range []struct {
			method, path string
			body         any
		}{
			{"GET", base, nil},
			{"GET", base + "/" + itoa(e.ID), nil},
			{"POST", base, url.Values{"url": {"https://127.0.0.1/x"}, "events": {"question"}}},
			{"POST", base + "/" + itoa(e.ID) + "/loeschen", url.Values{}},
			{"GET", api, nil},
			{"GET", api + "/" + itoa(e.ID), nil},
			{"POST", api, Input{URL: "https://127.0.0.1/x", Events: []string{"question"}}},
			{"DELETE", api + "/" + itoa(e.ID), nil},
		} {
			w := do(r, who, req.method, req.path, req.body)
			if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "127.0.0.1") {
				t.Fatalf("%s %s by %d: status %d, want 404 without the endpoint", req.method, req.path, who, w.Code)
			}
		}
	}
	expect(t, do(r, owner, "GET", base, nil), http.StatusOK, "https://127.0.0.1:9/hook", "<caption", "Seite angelegt")
	expect(t, do(r, owner, "GET", api, nil), http.StatusOK, `"url":"https://127.0.0.1:9/hook"`, `"events":["page_created"]`)
	if strings.Contains(do(r, owner, "GET", api, nil).Body.String(), "secret") {
		t.Fatal("the list shows a secret")
	}
	// An instance admin manages every space, but registers only where they
	// may read: an endpoint receives what its creator may read.
	admin, _ := f.person("admin")
	if _, err := db.Pool.Exec(context.Background(), `UPDATE accounts SET is_admin = true WHERE id = $1`, admin); err != nil {
		t.Fatal(err)
	}
	if err := f.enforcer.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	expect(t, do(r, admin, "GET", base, nil), http.StatusOK, "https://127.0.0.1:9/hook")
	expect(t, do(r, admin, "POST", api, Input{URL: "https://127.0.0.1/x", Events: []string{"question"}}), http.StatusUnprocessableEntity, "selbst lesen")
	expect(t, do(r, admin, "DELETE", api+"/"+itoa(e.ID), nil), http.StatusNoContent)
	expect(t, do(r, owner, "GET", api+"/"+itoa(e.ID), nil), http.StatusNotFound)
}

func TestRegistrationRefusesBadInput(t *testing.T) {
	finish(t)
	f := newFixture(t, fastConfig())
	owner, _ := f.person("owner")
	space := f.space(owner, nil)
	r := f.engine()
	base := "/bereiche/" + space.Slug + "/webhooks"
	api := "/api/v1/spaces/" + space.Slug + "/webhooks"

	// http:// is refused with a clear message, the form refilled.
	w := do(r, owner, "POST", base, url.Values{"url": {"http://example.org/hook"}, "events": {"question", "accepted"}})
	expect(t, w, http.StatusUnprocessableEntity, "Die Adresse muss mit https:// beginnen", `value="http://example.org/hook"`,
		`id="f-url" name="url" type="url" value="http://example.org/hook" required aria-required="true" aria-invalid="true"`,
		`value="accepted" checked`, `href="#f-url"`)
	if strings.Contains(w.Body.String(), `value="page_created" checked`) {
		t.Fatal("the form checks an event that was not chosen")
	}
	expect(t, do(r, owner, "POST", api, Input{URL: "http://example.org/hook", Events: []string{"question"}}), http.StatusUnprocessableEntity,
		`"code":"invalid"`, "https://")
	// No event, an unknown event, no URL.
	expect(t, do(r, owner, "POST", base, url.Values{"url": {"https://127.0.0.1/hook"}}), http.StatusUnprocessableEntity,
		"Wählen Sie mindestens ein Ereignis.", `href="#f-events"`)
	expect(t, do(r, owner, "POST", api, Input{URL: "https://127.0.0.1/hook", Events: []string{"question", "mention"}}), http.StatusUnprocessableEntity)
	expect(t, do(r, owner, "POST", api, Input{Events: []string{"question"}}), http.StatusUnprocessableEntity)
	expect(t, do(r, owner, "POST", api, Input{URL: "https://user:pw@127.0.0.1/hook", Events: []string{"question"}}), http.StatusUnprocessableEntity, "Benutzernamen")

	// Inward addresses are refused unless the configuration allows them.
	strict := fastConfig()
	strict.AllowPrivate = false
	h := f.sender(strict)
	for _, u := range []string{"https://127.0.0.1/x", "https://localhost/x", "https://10.1.2.3/x", "https://192.168.0.1/x",
		"https://169.254.169.254/latest", "https://[::1]/x", "https://[fe80::1]/x", "https://0.0.0.0/x", "https://100.64.0.1/x"} {
		if p := h.checkURL(context.Background(), u); p == nil || p.Key != "webhooks.url_private" {
			t.Errorf("%s: %v, want webhooks.url_private", u, p)
		}
	}
	if p := h.checkURL(context.Background(), "https://93.184.215.14/x"); p != nil {
		t.Errorf("a public address is refused: %v", p)
	}
	if err := h.dialControl("tcp", "127.0.0.1:443", nil); err == nil {
		t.Error("the dialer connects to loopback")
	}
	if err := h.dialControl("tcp", "93.184.215.14:443", nil); err != nil {
		t.Errorf("the dialer refuses a public address: %v", err)
	}
	expect(t, do(r, owner, "GET", api, nil), http.StatusOK, `{"webhooks":[]}`)

	// The secret is shown once, right after creation.
	w = do(r, owner, "POST", base, url.Values{"url": {"https://127.0.0.1/hook"}, "events": {"question"}})
	expect(t, w, http.StatusCreated, `id="new-secret"`, "whsec_")
	// The page escapes "+" as "&#43;": read the secret from the unescaped text.
	secret := regexp.MustCompile(`whsec_[A-Za-z0-9+/]{40,}={0,2}`).FindString(html.UnescapeString(w.Body.String()))
	if secret == "" {
		t.Fatal("no secret on the page")
	}
	if w.Header().Get("Cache-Control") != "private, no-store" {
		t.Fatalf("Cache-Control %q", w.Header().Get("Cache-Control"))
	}
	if again := html.UnescapeString(do(r, owner, "GET", base, nil).Body.String()); strings.Contains(again, secret) || strings.Contains(again, "new-secret") {
		t.Fatal("the secret is shown again")
	}
}
