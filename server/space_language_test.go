package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// A space's content language is set through the API and the settings
// form, refused when it is neither de nor en, and marks the page's title
// and text with lang, so that a screen reader in the English interface
// reads German content in German (WCAG 3.1.2).
func TestSpaceLanguageMarksContent(t *testing.T) {
	owner := makePerson(t, makeAgency(t), false)
	base := startServer(t)

	status, out := api(t, http.MethodPost, base+"/api/v1/spaces", owner.Token, `{"name":"Team Englisch","slug":"team-englisch","language":"en"}`)
	if status != http.StatusCreated || out["language"] != "en" {
		t.Fatalf("create with language en: %d %v", status, out)
	}
	if status, out := api(t, http.MethodPatch, base+"/api/v1/spaces/team-englisch", owner.Token, `{"language":"fr"}`); status != http.StatusUnprocessableEntity {
		t.Errorf("language fr: %d %v, want 422", status, out)
	}
	if status, out := api(t, http.MethodPatch, base+"/api/v1/spaces/team-englisch", owner.Token, `{"language":"de"}`); status != http.StatusOK || out["language"] != "de" {
		t.Errorf("language de: %d %v", status, out)
	}
	if status, _ := api(t, http.MethodPut, base+"/api/v1/spaces/team-englisch/pages/fristen", owner.Token, `{"title":"Fristen","body":"Die Frist beträgt *30 Tage*."}`); status != http.StatusCreated {
		t.Fatalf("page: %d", status)
	}

	b := newBrowser(t, base)
	b.signIn(owner.Email, owner.Password)
	_, body := b.get("/bereiche/team-englisch/seiten/fristen")
	for _, want := range []string{`id="page-title" lang="de">Fristen</h1>`, `<div class="markdown" lang="de">`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	_, form := b.get("/bereiche/team-englisch/einstellungen")
	if !strings.Contains(form, `name="language"`) {
		t.Fatal("settings form has no language field")
	}
	values := url.Values{"name": {"Team Englisch"}, "visibility": {string(policies.Private)}, "agency_role": {"member"}, "language": {"en"}}
	if resp, _ := b.post("/bereiche/team-englisch/einstellungen", "/bereiche/team-englisch/einstellungen", values); resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: %d", resp.StatusCode)
	}
	if _, body := b.get("/bereiche/team-englisch/seiten/fristen"); !strings.Contains(body, `<div class="markdown" lang="en">`) {
		t.Error("after the settings form, the page is not marked lang=en")
	}
	// The editor's text and preview too, so that spell checking and
	// screen readers take the content's language.
	if _, body := b.get("/bereiche/team-englisch/seiten/fristen/bearbeiten"); !strings.Contains(body, `spellcheck="true" lang="en"`) {
		t.Error("the editor's text is not marked lang=en")
	}
	values.Set("language", "klingonisch")
	if resp, body := b.post("/bereiche/team-englisch/einstellungen", "/bereiche/team-englisch/einstellungen", values); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Deutsch oder Englisch") {
		t.Errorf("language klingonisch: %d", resp.StatusCode)
	}
}
