package main

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
)

// A renamed topic reaches the search through the outbox: the pages,
// questions and people that carry it are indexed again under the new
// name, which the topic filter then finds.
func TestRenamedTopicReindexesWhatCarriesIt(t *testing.T) {
	agency := makeAgency(t)
	km, author := makePerson(t, agency, false), makePerson(t, agency, false)
	dbExec(t, `UPDATE accounts SET is_knowledge_manager = true WHERE id = $1`, km.ID)
	sp := makeSpace(t, author, policies.Organisation, policies.RoleMember)
	base := searchServer(t, nil)
	warmUp(t, base, author.Token, sp.Slug)
	tag := letterTag()
	old, renamed := "Haushalt "+tag, "Finanzplanung "+tag
	topic := makeTopic(t, old, nil)
	var slug string
	if err := testDB.Pool.QueryRow(t.Context(), `SELECT slug FROM topics WHERE id = $1`, topic).Scan(&slug); err != nil {
		t.Fatal(err)
	}

	status, page := api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/pages/etat", author.Token,
		fmt.Sprintf(`{"title":"Etat","body":"Der Etat des Jahres.","topics":[%q]}`, old))
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("page: %d %v", status, page)
	}
	var q map[string]any
	status, q = api(t, http.MethodPost, base+"/api/v1/questions", author.Token,
		fmt.Sprintf(`{"title":"Wer plant den Etat?","body":"","space":%q,"topics":[%q]}`, sp.Slug, old))
	if status != http.StatusCreated {
		t.Fatalf("ask: %d %v", status, q)
	}
	if status, out := api(t, http.MethodPut, base+"/api/v1/me/profile", author.Token, fmt.Sprintf(`{"skills":[{"topic":%q,"level":"expert"}]}`, old)); status != http.StatusOK {
		t.Fatalf("skills: %d %v", status, out)
	}
	want := []string{pageID(page), "question-" + id(q), fmt.Sprintf("person-%d", author.ID)}
	slices.Sort(want)
	tagged := func(name string) func() bool {
		return func() bool {
			status, out := api(t, http.MethodGet, base+"/api/v1/search?q="+url.QueryEscape(name)+"&topic="+url.QueryEscape(name), author.Token, "")
			if status != http.StatusOK || out["degraded"] == true {
				return false
			}
			var ids []string
			for _, h := range out["hits"].([]any) {
				ids = append(ids, h.(map[string]any)["id"].(string))
			}
			slices.Sort(ids)
			return slices.Equal(ids, want)
		}
	}
	eventually(t, 30*time.Second, "the page, the question and the person are found by the topic", tagged(old))

	if status, out := api(t, http.MethodPut, base+"/api/v1/topics/"+slug, km.Token, fmt.Sprintf(`{"name":%q}`, renamed)); status != http.StatusOK {
		t.Fatalf("rename: %d %v", status, out)
	}
	eventually(t, 30*time.Second, "the page, the question and the person are found by the new name", tagged(renamed))
}

// New file-number patterns reach the search through the outbox: the
// pages and questions of the agency's spaces written before are indexed
// again, with the keys of the file numbers they now link.
func TestFileNumberPatternsReindexTheAgencysTexts(t *testing.T) {
	agency := makeAgency(t)
	admin := makePerson(t, agency, true)
	sp := makeSpace(t, admin, policies.Organisation, policies.RoleMember)
	base := searchServer(t, nil)
	warmUp(t, base, admin.Token, sp.Slug)
	_, page := putPage(t, base, admin.Token, sp.Slug, "registratur", "Die Unterlagen liegen unter Az. 12-345/2026 in der Registratur.", 0)
	q := ask(t, base, admin.Token, sp.Slug, "Wer führt die Widerspruchsakte?", "Es geht um Az. 7-77/2025 im Archiv.")
	question := "question-" + id(q)
	found := func(query, want string) func() bool {
		return func() bool {
			ids, degraded := searchIDs(t, base, admin.Token, query)
			return !degraded && slices.Equal(ids, []string{want})
		}
	}
	eventually(t, 30*time.Second, "the page and the question are indexed", func() bool {
		return found("Registratur", pageID(page))() && found("Widerspruchsakte", question)()
	})
	// The key of a file number matches only the field of file numbers.
	if ids, _ := searchIDs(t, base, admin.Token, "az12x345x2026"); len(ids) != 0 {
		t.Fatalf("found by the key before there is a pattern: %v", ids)
	}

	a := adminBrowser(t, base, admin)
	list := "/verwaltung/behoerden/" + agency.Slug + "/aktenzeichen"
	resp, _ := a.submit(list, list, url.Values{"label": {"E-Akte"}, "pattern": {fileNumberPattern}, "url": {"https://dms.example/{nr}"}})
	wantStatus(t, "create pattern", resp, http.StatusSeeOther)
	eventually(t, 30*time.Second, "the page is found by its file number's key", found("az12x345x2026", pageID(page)))
	eventually(t, 30*time.Second, "the question is found by its file number's key", found("az7x77x2025", question))
}
