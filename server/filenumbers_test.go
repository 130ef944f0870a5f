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

const fileNumberPattern = `Az\. \d{1,3}-\d{1,5}/\d{4}`

// An admin configures an agency's file numbers through the forms: a bad
// pattern comes back with what was typed and a message at its field,
// "Ausprobieren" shows the links of a sample text without saving, and
// once saved (and after every change) the agency's pages link their file
// numbers, those of another agency not.
func TestAdminConfiguresFileNumbers(t *testing.T) {
	agency, other := makeAgency(t), makeAgency(t)
	admin, stranger := makePerson(t, agency, true), makePerson(t, other, false)
	sp := makeSpace(t, admin, policies.Organisation, policies.RoleMember)
	foreign := makeSpace(t, stranger, policies.Organisation, policies.RoleMember)
	base := startServer(t)
	a := adminBrowser(t, base, admin)
	list := "/verwaltung/behoerden/" + agency.Slug + "/aktenzeichen"
	body := "Der Vorgang Az. 12-345/2026 liegt vor. `Az. 9-9/2026` ist Code, [Az. 8-8/2026](https://example.org/x) ein Link."
	if status, _ := putPage(t, base, admin.Token, sp.Slug, "vorgang", body, 0); status != http.StatusCreated {
		t.Fatalf("page: %d", status)
	}
	if status, _ := putPage(t, base, stranger.Token, foreign.Slug, "fremd", body, 0); status != http.StatusCreated {
		t.Fatalf("foreign page: %d", status)
	}

	resp, page := a.get(list)
	wantStatus(t, "list", resp, http.StatusOK)
	wantBody(t, "list", page, "Diese Behörde hat noch kein Muster")
	if _, page = a.get("/verwaltung/behoerden"); !strings.Contains(page, `href="`+list+`"`) {
		t.Error("the agency list does not lead to the file numbers")
	}

	// Refused: too broad, no placeholder. Back to the form with what was typed.
	resp, _ = a.submit(list, list, url.Values{"label": {"E-Akte"}, "pattern": {`\w+`}, "url": {"https://dms.example/akte"}})
	wantBackTo(t, "broad pattern", resp, list)
	_, page = a.get(list)
	wantIn(t, "refused form", page, `value="E-Akte"`, `value="\w&#43;"`, `value="https://dms.example/akte"`, `href="#f-pattern"`, `href="#f-url"`,
		"zu allgemein", "Platzhalter {nr}", `aria-invalid="true"`)
	resp, _ = a.submit(list, list, url.Values{"label": {"E-Akte"}, "pattern": {`Az\. (\d+`}, "url": {"https://dms.example/akte?nr={nr}"}})
	wantBackTo(t, "pattern that does not compile", resp, list)
	_, page = a.get(list)
	wantIn(t, "pattern that does not compile", page, "kein gültiger regulärer Ausdruck", "missing closing )")

	// Tried, not saved.
	resp, page = a.submit(list, list, url.Values{"label": {"E-Akte"}, "pattern": {fileNumberPattern}, "url": {"https://dms.example/akte?nr={nr}"},
		"sample": {"Bitte Az. 1-22/2026 ansehen."}, "action": {"try"}})
	wantStatus(t, "try", resp, http.StatusOK)
	wantIn(t, "try", page, `href="https://dms.example/akte?nr=Az.%201-22%2F2026"`, ">Az. 1-22/2026<", "(in E-Akte öffnen)")
	if _, page = a.get(list); !strings.Contains(page, "Diese Behörde hat noch kein Muster") {
		t.Fatal("trying saved the pattern")
	}

	resp, _ = a.submit(list, list, url.Values{"label": {"E-Akte"}, "pattern": {fileNumberPattern}, "url": {"https://dms.example/akte?nr={nr}"}})
	wantStatus(t, "create", resp, http.StatusSeeOther)
	_, page = a.get(resp.Header.Get("Location"))
	wantIn(t, "list after create", page, "Das Muster wurde angelegt", "https://dms.example/akte?nr={nr}")

	view := "/bereiche/" + sp.Slug + "/seiten/vorgang"
	_, page = a.get(view)
	link := `<a class="file-number" href="https://dms.example/akte?nr=Az.%2012-345%2F2026" rel="nofollow noreferrer">Az. 12-345/2026<span class="kern-sr-only"> (in E-Akte öffnen)</span></a>`
	wantIn(t, "page", page, link, `id="file-numbers-heading"`, ">Akten<")
	if n := strings.Count(page, "dms.example"); n != 2 {
		t.Errorf("%d links to the records system, want 2 (text and list): code and links are left alone", n)
	}
	sb := adminBrowser(t, base, stranger)
	if _, page = sb.get("/bereiche/" + foreign.Slug + "/seiten/fremd"); strings.Contains(page, "file-number") {
		t.Error("another agency's pattern applies")
	}

	var id int64
	if err := testDB.Pool.QueryRow(t.Context(), `SELECT id FROM file_number_patterns WHERE agency_id = $1`, agency.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	edit := fmt.Sprintf("%s/%d", list, id)
	resp, _ = a.submit(edit, edit, url.Values{"label": {""}, "pattern": {fileNumberPattern}, "url": {"ftp://dms.example/{nr}"}})
	wantBackTo(t, "bad edit", resp, edit)
	_, page = a.get(edit)
	wantIn(t, "bad edit", page, `href="#f-label"`, `href="#f-url"`, `value="ftp://dms.example/{nr}"`, "http:// oder https://")
	resp, _ = a.submit(edit, edit, url.Values{"label": {"DMS"}, "pattern": {fileNumberPattern}, "url": {"https://neu.example/{nr}/ansehen"}})
	wantStatus(t, "edit", resp, http.StatusSeeOther)
	// The kept rendering of the page does not outlive the change.
	_, page = a.get(view)
	wantIn(t, "page after edit", page, `href="https://neu.example/Az.%2012-345%2F2026/ansehen"`, "(in DMS öffnen)")

	resp, _ = a.submit(edit, edit+"/loeschen", url.Values{})
	wantStatus(t, "delete", resp, http.StatusSeeOther)
	if _, page = a.get(view); strings.Contains(page, "file-number") {
		t.Error("the deleted pattern still links")
	}
	if resp, _ = a.get(edit); resp.StatusCode != http.StatusNotFound {
		t.Errorf("deleted pattern: %d", resp.StatusCode)
	}
	for _, path := range []string{fmt.Sprintf("%s/%d", list, id+1000), "/verwaltung/behoerden/gibt-es-nicht/aktenzeichen"} {
		if resp, _ := a.get(path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := sb.get(list); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a member reaches the file numbers: %d", resp.StatusCode)
	}
}

// A search for a file number as typed, with or without "Az.", finds the
// page, the question and the answer that hold it first, before a page
// that holds its numbers apart, even in its title.
func TestSearchFindsFileNumbersAsTyped(t *testing.T) {
	agency := makeAgency(t)
	admin := makePerson(t, agency, true)
	sp := makeSpace(t, admin, policies.Organisation, policies.RoleMember)
	base := searchServer(t, nil)
	warmUp(t, base, admin.Token, sp.Slug)
	a := adminBrowser(t, base, admin)
	list := "/verwaltung/behoerden/" + agency.Slug + "/aktenzeichen"
	resp, _ := a.submit(list, list, url.Values{"label": {"E-Akte"}, "pattern": {fileNumberPattern}, "url": {"https://dms.example/{nr}"}})
	wantStatus(t, "create pattern", resp, http.StatusSeeOther)

	_, decoy := putPage(t, base, admin.Token, sp.Slug, "zahlen-12-345-2026", "Im Jahr 2026 gab es 12 Anträge mit 345 Seiten; 2026 war ein gutes Jahr, 12 und 345.", 0)
	_, holder := putPage(t, base, admin.Token, sp.Slug, "bauakte", "Die Unterlagen liegen unter Az. 12-345/2026 in der Registratur.", 0)
	q := ask(t, base, admin.Token, sp.Slug, "Wer bearbeitet die Widerspruchsakte?", "Es geht um einen Widerspruch.")
	if status, out := api(t, http.MethodPost, base+"/api/v1/questions/"+id(q)+"/answers", admin.Token, `{"body":"Siehe Az. 7-77/2025 in der E-Akte."}`); status != http.StatusCreated {
		t.Fatalf("answer: %d %v", status, out)
	}
	// The hits in their order, and whether Meilisearch answered: while
	// its queue still holds other tests' work, PostgreSQL answers.
	search := func(query string) ([]string, bool) {
		status, out := api(t, http.MethodGet, base+"/api/v1/search?q="+url.QueryEscape(query), admin.Token, "")
		if status != http.StatusOK {
			t.Fatalf("search %q: %d", query, status)
		}
		var ids []string
		for _, h := range out["hits"].([]any) {
			ids = append(ids, h.(map[string]any)["id"].(string))
		}
		return ids, out["degraded"] != true
	}
	ranked := func(query string) []string { ids, _ := search(query); return ids }
	eventually(t, 30*time.Second, "both pages are in Meilisearch", func() bool {
		a, live := search("Registratur")
		b, _ := search("Jahr")
		return live && len(a) == 1 && len(b) == 1
	})
	for _, query := range []string{"12-345/2026", "Az. 12-345/2026", "az 12 - 345 / 2026"} {
		ids := ranked(query)
		if len(ids) == 0 || ids[0] != pageID(holder) {
			t.Errorf("%q: %v, want %s first", query, ids, pageID(holder))
		}
		if !contains(ids, pageID(decoy)) && query == "12-345/2026" {
			t.Logf("%q: the page with the numbers apart is not found at all: %v", query, ids)
		}
	}
	question := "question-" + id(q)
	eventually(t, 15*time.Second, "the answer's file number is found", func() bool {
		ids := ranked("7-77/2025")
		return len(ids) > 0 && ids[0] == question
	})
	if ids := ranked("12-345/2025"); len(ids) > 0 && ids[0] == pageID(holder) {
		t.Errorf("another year's file number finds the page first: %v", ids)
	}
}
