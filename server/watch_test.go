package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// heard lists the kinds of a person's notifications with their titles,
// newest first, as "kind:title".
func heard(t *testing.T, base string, p person) []string {
	t.Helper()
	status, out := api(t, http.MethodGet, base+"/api/v1/notifications", p.Token, "")
	if status != http.StatusOK {
		t.Fatalf("notifications: %d %v", status, out)
	}
	var list []string
	for _, n := range out["notifications"].([]any) {
		m := n.(map[string]any)
		list = append(list, fmt.Sprint(m["kind"], ":", m["title"]))
	}
	return list
}

// putPage creates or changes a page through the API and returns its
// revision.
func putWatchedPage(t *testing.T, base string, p person, space, slug, body string, revision int) int {
	t.Helper()
	req := fmt.Sprintf(`{"title":%q,"body":%q}`, "Seite "+slug, body)
	if revision > 0 {
		req = fmt.Sprintf(`{"title":%q,"body":%q,"base_revision":%d}`, "Seite "+slug, body, revision)
	}
	status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+space+"/pages/"+slug, p.Token, req)
	if status != http.StatusOK && status != http.StatusCreated {
		t.Fatalf("put page: %d %v", status, out)
	}
	return int(out["revision"].(float64))
}

func countOf(list []string, want string) int {
	n := 0
	for _, s := range list {
		if s == want {
			n++
		}
	}
	return n
}

// Whoever writes a page watches it and hears of others' changes; the
// watchers of a space hear of its new pages; the actor hears nothing of
// their own doing.
func TestPageWatchersAreTold(t *testing.T) {
	agency := makeAgency(t)
	author, editor, follower := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, author, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	b := newBrowser(t, base)
	b.signIn(follower.Email, follower.Password)
	b.get("/bereiche/" + sp.Slug)
	if resp, _ := b.post("", "/beobachten", urlValues("kind", "space", "item", fmt.Sprint(sp.ID), "watch", "1", "next", "/bereiche/"+sp.Slug)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("watch the space: %d", resp.StatusCode)
	}
	if _, body := b.get("/bereiche/" + sp.Slug); !strings.Contains(body, "Bereich nicht mehr beobachten") {
		t.Error("the space page does not show that it is watched")
	}

	rev := putWatchedPage(t, base, author, sp.Slug, "dienstreisen", "Erster Stand.", 0)
	if got := heard(t, base, follower); countOf(got, "page_created:Seite dienstreisen") != 1 {
		t.Errorf("the space's watcher heard %v, want the new page", got)
	}
	if got := heard(t, base, author); len(got) != 0 {
		t.Errorf("the author heard of their own page: %v", got)
	}
	putWatchedPage(t, base, editor, sp.Slug, "dienstreisen", "Zweiter Stand.", rev)
	if got := heard(t, base, author); countOf(got, "page_changed:Seite dienstreisen") != 1 {
		t.Errorf("the author (watching since they wrote it) heard %v, want the change", got)
	}
	var watches int
	if err := testDB.Pool.QueryRow(t.Context(), `SELECT count(*) FROM watches w JOIN pages p ON p.id = w.item_id
		WHERE w.kind = 'page' AND p.slug = 'dienstreisen' AND p.space_id = $1 AND w.account_id = ANY($2)`,
		sp.ID, []int64{author.ID, editor.ID}).Scan(&watches); err != nil || watches != 2 {
		t.Errorf("author and editor watch the page: %d watches, %v", watches, err)
	}
	if _, body := b.get("/bereiche/" + sp.Slug + "/seiten/dienstreisen"); !strings.Contains(body, "Seite beobachten") {
		t.Error("the page offers no watch button")
	}
	if status, out := api(t, http.MethodDelete, base+"/api/v1/spaces/"+sp.Slug+"/pages/dienstreisen", author.Token, ""); status != http.StatusNoContent {
		t.Fatalf("delete: %d %v", status, out)
	}
	if got := heard(t, base, editor); countOf(got, "page_deleted:Seite dienstreisen") != 1 {
		t.Errorf("the editor (watching since the edit) heard %v, want the deletion", got)
	}
}

// A mention newly written in a page edit tells the person once; saving
// again with the mention unchanged tells nobody again.
func TestPageMentionsAreToldOnce(t *testing.T) {
	agency := makeAgency(t)
	author, named := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, author, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	rev := putWatchedPage(t, base, author, sp.Slug, "zustaendigkeit", "Noch niemand.", 0)
	rev = putWatchedPage(t, base, author, sp.Slug, "zustaendigkeit", "Zuständig: @"+named.Handle+".", rev)
	putWatchedPage(t, base, author, sp.Slug, "zustaendigkeit", "Zuständig: @"+named.Handle+". Vertretung folgt.", rev)
	got := heard(t, base, named)
	if countOf(got, "mention:Seite zustaendigkeit") != 1 || len(got) != 1 {
		t.Errorf("the mentioned person heard %v, want one mention", got)
	}
}

// Adding a person, or a group, to a space tells those added.
func TestMembersAreToldTheyWereAdded(t *testing.T) {
	agency := makeAgency(t)
	owner, newcomer, grouped := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	base := startServer(t)
	if status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/members/"+newcomer.Handle, owner.Token, `{"role":"member"}`); status/100 != 2 {
		t.Fatalf("add member: %d %v", status, out)
	}
	if got := heard(t, base, newcomer); countOf(got, "membership:Bereich") != 1 {
		t.Errorf("the new member heard %v", got)
	}
	// A change of role is no new membership.
	api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/members/"+newcomer.Handle, owner.Token, `{"role":"viewer"}`)
	if got := heard(t, base, newcomer); len(got) != 1 {
		t.Errorf("after a role change the member heard %v", got)
	}
	group := unique("gruppe")
	var groupID int64
	if err := testDB.Pool.QueryRow(t.Context(), `INSERT INTO groups (slug, name) VALUES ($1::text, $1::text) RETURNING id`, group).Scan(&groupID); err != nil {
		t.Fatal(err)
	}
	if _, err := testDB.Pool.Exec(t.Context(), `INSERT INTO group_members (group_id, account_id) VALUES ($1, $2)`, groupID, grouped.ID); err != nil {
		t.Fatal(err)
	}
	if status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/members/@"+group, owner.Token, `{"role":"viewer"}`); status/100 != 2 {
		t.Fatalf("add group: %d %v", status, out)
	}
	if got := heard(t, base, grouped); countOf(got, "membership:Bereich") != 1 {
		t.Errorf("the group's member heard %v", got)
	}
}

// openServer is startServer returning the server too, for its jobs.
func openServer(t *testing.T) (*Server, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg, err := loadConfig(newFlags("serve", env{stderr: io.Discard}), nil, testEnv(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, cfg, newLogger(io.Discard, cfg.LogLevel))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		s.Close()
	})
	return s, "http://" + s.Addr()
}

// A page's owner is told once that it fell due for review, however often
// and on however many servers the job runs; a new due date is told anew.
func TestReviewDueIsToldOnce(t *testing.T) {
	agency := makeAgency(t)
	owner := makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Organisation, policies.RoleMember)
	s, base := openServer(t)
	putWatchedPage(t, base, owner, sp.Slug, "formulare", "Stand 2024.", 0)
	due := func(days int) {
		t.Helper()
		if _, err := testDB.Pool.Exec(t.Context(), `UPDATE pages SET review_due = current_date - $3::int WHERE space_id = $1 AND slug = $2`,
			sp.ID, "formulare", days); err != nil {
			t.Fatal(err)
		}
	}
	due(3)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.wiki.NoticeReviews(t.Context()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, err := s.wiki.NoticeReviews(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := heard(t, base, owner); countOf(got, "review_due:Seite formulare") != 1 {
		t.Errorf("the owner heard %v, want one review notice", got)
	}
	due(1) // reviewed meanwhile, and due again
	if _, err := s.wiki.NoticeReviews(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := heard(t, base, owner); countOf(got, "review_due:Seite formulare") != 2 {
		t.Errorf("after a new due date the owner heard %v, want two review notices", got)
	}
}

// Inviting someone who may not read the question is refused, in the API
// and on the page, and records nothing.
func TestInviteOfOutsiderIsRefused(t *testing.T) {
	agency := makeAgency(t)
	asker, outsider := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, asker, policies.Private, policies.RoleMember)
	base := startServer(t)
	q := ask(t, base, asker.Token, sp.Slug, "Wer zeichnet die Vorlage mit?", "")
	status, out := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/invitations", asker.Token, fmt.Sprintf(`{"handle":%q}`, outsider.Handle))
	if status != http.StatusUnprocessableEntity || !strings.Contains(errMessage(out), "nicht") && !strings.Contains(errMessage(out), "cannot") {
		t.Errorf("API invite of an outsider: %d %v", status, out)
	}
	b := newBrowser(t, base)
	b.signIn(asker.Email, asker.Password)
	b.get("/fragen/" + id(q))
	resp, body := b.post("", "/fragen/"+id(q)+"/einladen", urlValues("handle", outsider.Handle))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "kann die Frage nicht lesen und wurde nicht eingeladen") ||
		strings.Contains(body, "Die Einladung ist verschickt") {
		t.Errorf("form invite of an outsider: %d", resp.StatusCode)
	}
	var events int
	if err := testDB.Pool.QueryRow(t.Context(), `SELECT count(*) FROM notification_events WHERE kind = 'invite' AND subject_id = $1`, q["id"]).Scan(&events); err != nil || events != 0 {
		t.Errorf("invitation events recorded: %d, %v", events, err)
	}
	if got := heard(t, base, outsider); len(got) != 0 {
		t.Errorf("the outsider heard %v", got)
	}
	// A member is invited as before.
	member := makePerson(t, agency, false)
	api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/members/"+member.Handle, asker.Token, `{"role":"member"}`)
	if status, out := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/invitations", asker.Token, fmt.Sprintf(`{"handle":%q}`, member.Handle)); status != http.StatusNoContent {
		t.Errorf("API invite of a member: %d %v", status, out)
	}
}

// A person who cannot read a private space can watch neither the space
// nor its pages: 404, and no watch recorded.
func TestOutsiderCannotWatchPrivatePage(t *testing.T) {
	agency := makeAgency(t)
	owner, outsider := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Private, policies.RoleMember)
	base := startServer(t)
	putWatchedPage(t, base, owner, sp.Slug, "geheim", "Intern.", 0)
	var pageID int64
	if err := testDB.Pool.QueryRow(t.Context(), `SELECT id FROM pages WHERE space_id = $1 AND slug = 'geheim'`, sp.ID).Scan(&pageID); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, base)
	b.signIn(outsider.Email, outsider.Password)
	b.get("/")
	for kind, item := range map[string]int64{"page": pageID, "space": sp.ID} {
		resp, _ := b.post("", "/beobachten", urlValues("kind", kind, "item", fmt.Sprint(item), "watch", "1", "next", "/"))
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("outsider watches the private %s: %d, want 404", kind, resp.StatusCode)
		}
	}
	var n int
	if err := testDB.Pool.QueryRow(t.Context(), `SELECT count(*) FROM watches WHERE account_id = $1`, outsider.ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("outsider's watches: %d, %v", n, err)
	}
	// The owner may.
	ob := newBrowser(t, base)
	ob.signIn(owner.Email, owner.Password)
	ob.get("/bereiche/" + sp.Slug)
	if resp, _ := ob.post("", "/beobachten", urlValues("kind", "space", "item", fmt.Sprint(sp.ID), "watch", "1", "next", "/bereiche/"+sp.Slug)); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the owner watches the space: %d", resp.StatusCode)
	}
}
