package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

type headerSuggestions struct {
	Items []struct {
		Label, Detail, URL, Type string
	}
}

func (b *browser) headerSuggest(q string) (int, headerSuggestions) {
	b.t.Helper()
	resp, body := b.get("/suche/vorschlaege?q=" + q)
	var out headerSuggestions
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			b.t.Fatalf("headerSuggestions for %q: %v in %q", q, err, body)
		}
	}
	return resp.StatusCode, out
}

func TestHeaderSuggestionsFollowSpaceAccess(t *testing.T) {
	agency := makeAgency(t)
	member, colleague := makePerson(t, agency, false), makePerson(t, agency, false)
	open := makeSpace(t, member, policies.Organisation, policies.RoleMember)
	closed := makeSpace(t, member, policies.Private, policies.RoleMember)
	base := searchServer(t, nil)
	warmUp(t, base, member.Token, open.Slug)
	putPage(t, base, member.Token, open.Slug, "zuwendungsbescheid-offen", "Der Bescheid für alle.", 0)
	putPage(t, base, member.Token, closed.Slug, "zuwendungsbescheid-geheim", "Der Bescheid für wenige.", 0)
	eventually(t, 15*time.Second, "both pages are indexed", func() bool {
		ids, _ := searchIDs(t, base, member.Token, "Zuwendungsbescheid")
		return len(ids) == 2
	})

	urls := func(s headerSuggestions) string {
		var all []string
		for _, it := range s.Items {
			all = append(all, it.URL)
		}
		return strings.Join(all, " ")
	}
	// A GET needs no CSRF token: the browser sends none here.
	mine := newBrowser(t, base)
	mine.signIn(member.Email, member.Password)
	status, got := mine.headerSuggest("Zuwendungsbescheid")
	if status != http.StatusOK || len(got.Items) != 2 {
		t.Fatalf("member: %d %v, want both pages", status, got)
	}
	if it := got.Items[0]; it.Type != "page" || !strings.HasPrefix(it.Label, "zuwendungsbescheid") || !strings.HasPrefix(it.URL, "/") || it.Detail != "Wiki-Seite · Bereich" {
		t.Fatalf("a suggestion names its title, kind and space and links to the page: %+v", it)
	}

	other := newBrowser(t, base)
	other.signIn(colleague.Email, colleague.Password)
	status, got = other.headerSuggest("Zuwendungsbescheid")
	if status != http.StatusOK || len(got.Items) != 1 || !strings.Contains(urls(got), open.Slug) {
		t.Fatalf("colleague: %d %v, want the page of the organisation's space alone", status, got)
	}
	if strings.Contains(urls(got), closed.Slug) || strings.Contains(got.Items[0].Label, "geheim") {
		t.Fatalf("a private space's page is suggested to a non-member: %v", got)
	}

	if status, got = mine.headerSuggest("Z"); status != http.StatusOK || len(got.Items) != 0 {
		t.Fatalf("one letter: %d %v, want no headerSuggestions", status, got)
	}

	resp, body := newBrowser(t, base).get("/suche/vorschlaege?q=Zuwendungsbescheid")
	if resp.StatusCode == http.StatusOK || strings.Contains(body, "zuwendungsbescheid") {
		t.Fatalf("signed out: %d %q, want no headerSuggestions", resp.StatusCode, body)
	}
}
