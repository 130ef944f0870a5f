package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

// Purging the newest revision, which names a citizen, leaves no trace of
// the text in the revisions, the page or the search index; the page shows
// the last earlier text and the history says who removed what when.
func TestPurgeRevisionLeavesNoTrace(t *testing.T) {
	agency := makeAgency(t)
	owner, member := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Organisation, policies.RoleMember)
	base := searchServer(t, nil)
	warmUp(t, base, owner.Token, sp.Slug)
	name := "Mustermannsdottir"
	putPage(t, base, owner.Token, sp.Slug, "fallakte", "Allgemeine Hinweise zum Widerspruchsverfahren.", 0)
	putPage(t, base, member.Token, sp.Slug, "fallakte", "Frau Erika "+name+" hat Widerspruch eingelegt.", 1)
	found := func() bool { ids, _ := searchIDs(t, base, owner.Token, name); return len(ids) > 0 }
	eventually(t, 30*time.Second, "the name is found", found)

	page := "/bereiche/" + sp.Slug + "/seiten/fallakte"
	m := newBrowser(t, base)
	m.signIn(member.Email, member.Password)
	m.get(page)
	if resp, _ := m.post(page, page+"/versionen/2/entfernen", url.Values{"reason": {"personal-data"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a member purged a revision: %d", resp.StatusCode)
	}
	o := newBrowser(t, base)
	o.signIn(owner.Email, owner.Password)
	o.get(page)
	if resp, body := o.post(page+"/versionen/2/entfernen", page+"/versionen/2/entfernen", url.Values{}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Grund") {
		t.Errorf("a purge without reason: %d", resp.StatusCode)
	}
	if resp, _ := o.post(page, page+"/versionen/2/entfernen", url.Values{"reason": {"personal-data"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("purge: %d", resp.StatusCode)
	}

	var traces int
	testDB.Pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM page_revisions WHERE body LIKE '%' || $1 || '%' OR title LIKE '%' || $1 || '%')
		+ (SELECT count(*) FROM pages WHERE body LIKE '%' || $1 || '%')`, name).Scan(&traces)
	if traces != 0 {
		t.Errorf("%d rows still hold the purged text", traces)
	}
	status, p := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/pages/fallakte", owner.Token, "")
	if status != http.StatusOK || p["body"] != "Allgemeine Hinweise zum Widerspruchsverfahren." || p["revision"] != float64(3) {
		t.Errorf("page after purging its newest revision: %d %v", status, p)
	}
	_, body := o.get(page + "/versionen")
	if !strings.Contains(body, "Inhalt entfernt") || !strings.Contains(body, "Person "+owner.Handle) {
		t.Error("the history does not say that and by whom the content was removed")
	}
	_, body = o.get(page + "/versionen/2")
	if strings.Contains(body, name) || !strings.Contains(body, "Inhalt entfernt") {
		t.Error("the purged revision page shows text or no notice")
	}
	var logged int
	testDB.Pool.QueryRow(t.Context(), `SELECT count(*) FROM purge_log WHERE space_id = $1 AND kind = 'revision' AND reason = 'personal-data' AND purged_by = $2`,
		sp.ID, owner.ID).Scan(&logged)
	if logged != 1 {
		t.Errorf("purge log rows: %d", logged)
	}
	eventually(t, 30*time.Second, "the purged name leaves the search index", func() bool { return !found() })
	if _, out := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/pages/fallakte/revisions/2", owner.Token, ""); strings.Contains(fmt.Sprint(out), name) {
		t.Errorf("the API still serves the purged text: %v", out)
	}
}

// A name added in one revision and kept in the next: purging the newest
// brings back the one before, which still names the person; purging that
// one too takes every later revision with it, and the page, its newest
// revision and the search index are left without the name.
func TestPurgeRevisionTakesLaterRevisionsHoldingIt(t *testing.T) {
	agency := makeAgency(t)
	owner, member := makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, owner, policies.Organisation, policies.RoleMember)
	base := searchServer(t, nil)
	warmUp(t, base, owner.Token, sp.Slug)
	name := "Quellenbergerowa"
	putPage(t, base, owner.Token, sp.Slug, "bescheid", "Hinweise zum Bescheid.", 0)
	putPage(t, base, member.Token, sp.Slug, "bescheid", "Hinweise zum Bescheid. Herr "+name+" wartet.", 1)
	putPage(t, base, member.Token, sp.Slug, "bescheid", "Hinweise zum Bescheid. Herr "+name+" wartet. Frist: 1 Monat.", 2)
	found := func() bool { ids, _ := searchIDs(t, base, owner.Token, name); return len(ids) > 0 }
	eventually(t, 30*time.Second, "the name is found", found)

	page := "/bereiche/" + sp.Slug + "/seiten/bescheid"
	o := newBrowser(t, base)
	o.signIn(owner.Email, owner.Password)
	o.get(page)
	if resp, _ := o.post(page, page+"/versionen/3/entfernen", url.Values{"reason": {"personal-data"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("purge revision 3: %d", resp.StatusCode)
	}
	// Revision 4 is revision 2 again and still names the person.
	resp, form := o.get(page + "/versionen/2/entfernen")
	if resp.StatusCode != http.StatusOK || !strings.Contains(form, `value="later" checked`) || !strings.Contains(form, "Version 4") {
		t.Errorf("the purge form does not offer the later revisions: %d", resp.StatusCode)
	}
	if resp, _ := o.post(page, page+"/versionen/2/entfernen", url.Values{"reason": {"personal-data"}, "scope": {"later"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("purge revision 2: %d", resp.StatusCode)
	}
	var traces int
	testDB.Pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM page_revisions WHERE body LIKE '%' || $1 || '%')
		+ (SELECT count(*) FROM pages WHERE body LIKE '%' || $1 || '%')`, name).Scan(&traces)
	if traces != 0 {
		t.Errorf("%d rows still hold the purged text", traces)
	}
	var author *int64
	var message string
	testDB.Pool.QueryRow(t.Context(), `SELECT r.author_id, r.message FROM page_revisions r JOIN pages p ON p.id = r.page_id AND r.number = p.revision
		WHERE p.space_id = $1 AND p.slug = 'bescheid'`, sp.ID).Scan(&author, &message)
	if author == nil || *author != owner.ID || message != "Durch Entfernung wiederhergestellt" {
		t.Errorf("the rebuilt revision is credited to %v with %q", author, message)
	}
	status, p := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug+"/pages/bescheid", owner.Token, "")
	if status != http.StatusOK || p["body"] != "Hinweise zum Bescheid." {
		t.Errorf("page after the purges: %d %v", status, p)
	}
	eventually(t, 30*time.Second, "the purged name leaves the search index", func() bool { return !found() })
}
