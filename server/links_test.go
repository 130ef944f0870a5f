package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// putTitled creates a page at space/slug with a title of its own, so that
// links by title and the slug do not coincide.
func putTitled(t *testing.T, base, token, space, slug, title, body string) map[string]any {
	t.Helper()
	status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+space+"/pages/"+slug, token, fmt.Sprintf(`{"title":%q,"body":%q}`, title, body))
	if status != http.StatusCreated {
		t.Fatalf("create %s/%s: %d %v", space, slug, status, out)
	}
	return out
}

// linksTo checks that each page shows a working link to the target
// address and no offer to create a page.
func linksTo(t *testing.T, b *browser, pages []string, target string) {
	t.Helper()
	for _, p := range pages {
		_, body := b.get(p)
		if !strings.Contains(body, `class="wikilink" href="`+target+`"`) || strings.Contains(body, "wikilink--missing") {
			t.Errorf("%s does not link to %s:\n%s", p, target, excerpt(body, "wikilink"))
		}
	}
}

// movePage moves a page into another space through the move form.
func movePage(t *testing.T, b *browser, space, slug, to string) {
	t.Helper()
	form := "/bereiche/" + space + "/seiten/" + slug + "/verschieben"
	b.get(form)
	if resp, _ := b.post(form, form, url.Values{"space": {to}, "parent": {""}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("move %s/%s to %s: %d", space, slug, to, resp.StatusCode)
	}
}

func excerpt(body, near string) string {
	i := strings.Index(body, near)
	if i < 0 {
		return "(no " + near + ")"
	}
	return body[max(0, i-200):min(len(body), i+300)]
}

func backlinkSlugs(t *testing.T, base, token, space, slug string) []string {
	t.Helper()
	status, out := api(t, http.MethodGet, base+"/api/v1/spaces/"+space+"/pages/"+slug+"/backlinks", token, "")
	if status != http.StatusOK {
		t.Fatalf("backlinks %s/%s: %d", space, slug, status)
	}
	var slugs []string
	list, _ := out["backlinks"].([]any)
	for _, r := range list {
		m, _ := r.(map[string]any)
		slugs = append(slugs, fmt.Sprint(m["space"], "/", m["slug"]))
	}
	return slugs
}

// A page linked from three pages in two spaces is renamed, then moved to a
// third space: every link keeps pointing at it, in the pages, the
// backlinks and the Markdown export.
func TestRenameAndMoveKeepIncomingLinks(t *testing.T) {
	agency := makeAgency(t)
	p := makePerson(t, agency, false)
	a, b, c := makeSpace(t, p, policies.Private, policies.RoleMember), makeSpace(t, p, policies.Private, policies.RoleMember), makeSpace(t, p, policies.Private, policies.RoleMember)
	base := startServer(t)
	putTitled(t, base, p.Token, a.Slug, "rk", "Reisekosten", "Das Ziel.")
	putTitled(t, base, p.Token, a.Slug, "eins", "Eins", "Siehe [[Reisekosten]].")
	putTitled(t, base, p.Token, a.Slug, "zwei", "Zwei", "Siehe [[Reisekosten|die Kosten]].")
	putTitled(t, base, p.Token, b.Slug, "drei", "Drei", "Siehe [["+a.Slug+":Reisekosten]].")
	linkers := []string{"/bereiche/" + a.Slug + "/seiten/eins", "/bereiche/" + a.Slug + "/seiten/zwei", "/bereiche/" + b.Slug + "/seiten/drei"}
	br := newBrowser(t, base)
	br.signIn(p.Email, p.Password)
	linksTo(t, br, linkers, "/bereiche/"+a.Slug+"/seiten/rk")

	if status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+a.Slug+"/pages/rk", p.Token, `{"title":"Reise- und Spesenkosten","base_revision":1}`); status != http.StatusOK {
		t.Fatalf("rename: %d %v", status, out)
	}
	linksTo(t, br, linkers, "/bereiche/"+a.Slug+"/seiten/rk")
	want := []string{b.Slug + "/drei", a.Slug + "/eins", a.Slug + "/zwei"}
	if got := backlinkSlugs(t, base, p.Token, a.Slug, "rk"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("backlinks after rename: %v, want %v", got, want)
	}
	if _, md := br.get("/bereiche/" + a.Slug + "/seiten/zwei/export.md"); !strings.Contains(md, "Siehe [["+a.Slug+":Reise- und Spesenkosten|die Kosten]].") {
		t.Errorf("export after rename: %q", md)
	}

	movePage(t, br, a.Slug, "rk", c.Slug)
	linksTo(t, br, linkers, "/bereiche/"+c.Slug+"/seiten/rk")
	if got := backlinkSlugs(t, base, p.Token, c.Slug, "rk"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("backlinks after move: %v, want %v", got, want)
	}
	_, page := br.get("/bereiche/" + c.Slug + "/seiten/rk")
	for _, l := range linkers {
		if !strings.Contains(page, `href="`+l+`"`) {
			t.Errorf("the moved page does not list %s among its backlinks", l)
		}
	}
	for path, line := range map[string]string{
		"/bereiche/" + a.Slug + "/seiten/eins/export.md": "Siehe [[" + c.Slug + ":Reise- und Spesenkosten]].",
		"/bereiche/" + b.Slug + "/seiten/drei/export.md": "Siehe [[" + c.Slug + ":Reise- und Spesenkosten]].",
	} {
		if _, md := br.get(path); !strings.Contains(md, line) {
			t.Errorf("export %s: %q, want %q", path, md, line)
		}
	}
	// Saving a linking page again keeps its link on the page it points at.
	if status, _ := api(t, http.MethodPut, base+"/api/v1/spaces/"+a.Slug+"/pages/eins", p.Token, `{"body":"Siehe [[Reisekosten]] noch einmal.","base_revision":1}`); status != http.StatusOK {
		t.Fatalf("save linking page: %d", status)
	}
	linksTo(t, br, linkers[:1], "/bereiche/"+c.Slug+"/seiten/rk")
}

// A link written before its page exists offers to create it, resolves once
// the page is created, and stays on that page when it is renamed.
func TestLinkResolvesOnceThePageExists(t *testing.T) {
	agency := makeAgency(t)
	p := makePerson(t, agency, false)
	sp := makeSpace(t, p, policies.Private, policies.RoleMember)
	base := startServer(t)
	putTitled(t, base, p.Token, sp.Slug, "vorher", "Vorher", "Bald gibt es [[Fristen im Vergaberecht]].")
	br := newBrowser(t, base)
	br.signIn(p.Email, p.Password)
	if _, body := br.get("/bereiche/" + sp.Slug + "/seiten/vorher"); !strings.Contains(body, "wikilink--missing") {
		t.Fatalf("a link to a page not written yet is not offered for creation:\n%s", excerpt(body, "wikilink"))
	}
	putTitled(t, base, p.Token, sp.Slug, "fristen", "Fristen im Vergaberecht", "Jetzt da.")
	if status, _ := api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/pages/fristen", p.Token, `{"title":"Fristen","base_revision":1}`); status != http.StatusOK {
		t.Fatalf("rename: %d", status)
	}
	linksTo(t, br, []string{"/bereiche/" + sp.Slug + "/seiten/vorher"}, "/bereiche/"+sp.Slug+"/seiten/fristen")
	if got := backlinkSlugs(t, base, p.Token, sp.Slug, "fristen"); fmt.Sprint(got) != fmt.Sprint([]string{sp.Slug + "/vorher"}) {
		t.Errorf("backlinks: %v", got)
	}
}

// A link into a space the reader may not read is plain text for them: no
// link, no offer to create the page, the same whether or not it exists.
// Someone who may read the space gets a working link.
func TestLinkIntoUnreadableSpaceIsPlainText(t *testing.T) {
	agency := makeAgency(t)
	owner, reader := makePerson(t, agency, false), makePerson(t, agency, false)
	open, closed := makeSpace(t, owner, policies.Private, policies.RoleMember), makeSpace(t, owner, policies.Private, policies.RoleMember)
	addMember(t, open, reader, policies.RoleViewer)
	base := startServer(t)
	putTitled(t, base, owner.Token, closed.Slug, "geheim", "Geheimsache", "Nur für Mitglieder.")
	putTitled(t, base, owner.Token, open.Slug, "wandert", "Wandert", "Zieht gleich um.")
	putTitled(t, base, owner.Token, open.Slug, "start", "Start",
		"A [["+closed.Slug+":Geheimsache]] B [["+closed.Slug+":Gibt es nicht]] C [[Wandert]] D [[kein-bereich-xyz:Irgendwas]] E")
	ob := newBrowser(t, base)
	ob.signIn(owner.Email, owner.Password)
	movePage(t, ob, open.Slug, "wandert", closed.Slug)

	rb := newBrowser(t, base)
	rb.signIn(reader.Email, reader.Password)
	_, body := rb.get("/bereiche/" + open.Slug + "/seiten/start")
	if !strings.Contains(body, "<p>A Geheimsache B Gibt es nicht C Wandert D Irgendwas E</p>") {
		t.Errorf("reader: links into an unreadable space are not plain text:\n%s", excerpt(body, "<p>A "))
	}
	for _, leak := range []string{closed.Slug, "/neu?titel=", "wikilink"} {
		if strings.Contains(excerpt(body, "<p>A "), leak) {
			t.Errorf("reader: the page shows %q", leak)
		}
	}
	_, body = ob.get("/bereiche/" + open.Slug + "/seiten/start")
	for _, want := range []string{
		`<a class="wikilink" href="/bereiche/` + closed.Slug + `/seiten/geheim">Geheimsache</a>`,
		`<a class="wikilink wikilink--missing" href="/bereiche/` + closed.Slug + `/neu?titel=Gibt+es+nicht">`,
		`<a class="wikilink" href="/bereiche/` + closed.Slug + `/seiten/wandert">Wandert</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("member: lacks %s\n%s", want, excerpt(body, "<p>A "))
		}
	}
}

// A colleague's editor was opened before a moderator moved the page into
// another space; their save goes to the moved page and says so. Someone
// who may not write in the new space gets 404 and saves nothing.
func TestSaveToOldAddressAfterMoveLandsOnMovedPage(t *testing.T) {
	agency := makeAgency(t)
	mod, colleague, outsider := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	from, to := makeSpace(t, mod, policies.Private, policies.RoleMember), makeSpace(t, mod, policies.Private, policies.RoleMember)
	addMember(t, from, colleague, policies.RoleMember)
	addMember(t, to, colleague, policies.RoleMember)
	addMember(t, from, outsider, policies.RoleMember)
	base := startServer(t)
	putTitled(t, base, mod.Token, from.Slug, "antrag", "Antrag", "Erste Fassung.")

	cb := newBrowser(t, base)
	cb.signIn(colleague.Email, colleague.Password)
	cb.get("/bereiche/" + from.Slug + "/seiten/antrag/bearbeiten")
	ob := newBrowser(t, base)
	ob.signIn(outsider.Email, outsider.Password)
	ob.get("/bereiche/" + from.Slug + "/seiten/antrag/bearbeiten")

	mb := newBrowser(t, base)
	mb.signIn(mod.Email, mod.Password)
	movePage(t, mb, from.Slug, "antrag", to.Slug)

	edit := url.Values{"title": {"Antrag"}, "body": {"Die Fassung der Kollegin."}, "base_revision": {"1"}, "review_interval": {"365"}}
	if resp, _ := ob.post("", "/bereiche/"+from.Slug+"/seiten/antrag/bearbeiten", edit); resp.StatusCode != http.StatusNotFound {
		t.Errorf("save without access to the new space: %d, want 404", resp.StatusCode)
	}
	resp, _ := cb.post("", "/bereiche/"+from.Slug+"/seiten/antrag/bearbeiten", edit)
	newAddress := "/bereiche/" + to.Slug + "/seiten/antrag"
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != newAddress+"?verschoben=1" {
		t.Fatalf("save to the old address: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := cb.get(resp.Header.Get("Location"))
	if !strings.Contains(body, "Die Seite wurde inzwischen nach „Bereich“ verschoben; Ihre Änderungen sind dort gespeichert.") ||
		!strings.Contains(body, "Die Fassung der Kollegin.") {
		t.Errorf("the moved page does not show the notice and the text:\n%s", excerpt(body, "page-title"))
	}
	if _, page := api(t, http.MethodGet, base+"/api/v1/spaces/"+to.Slug+"/pages/antrag", mod.Token, ""); page["body"] != "Die Fassung der Kollegin." || page["revision"] != float64(2) {
		t.Errorf("moved page: %v", page)
	}
	if status, tree := api(t, http.MethodGet, base+"/api/v1/spaces/"+from.Slug+"/pages", mod.Token, ""); status != http.StatusOK || tree["pages"] != nil {
		t.Errorf("the old space has pages again: %v", tree["pages"])
	}
}

// The API's PUT to a moved page's old address with a base revision updates
// the moved page and names where it lives now; it never makes a second page.
func TestAPIPutToOldAddressUpdatesMovedPage(t *testing.T) {
	agency := makeAgency(t)
	mod, outsider := makePerson(t, agency, false), makePerson(t, agency, false)
	from, to := makeSpace(t, mod, policies.Private, policies.RoleMember), makeSpace(t, mod, policies.Private, policies.RoleMember)
	addMember(t, from, outsider, policies.RoleMember)
	base := startServer(t)
	putTitled(t, base, mod.Token, from.Slug, "bescheid", "Bescheid", "Erste Fassung.")
	mb := newBrowser(t, base)
	mb.signIn(mod.Email, mod.Password)
	movePage(t, mb, from.Slug, "bescheid", to.Slug)
	oldAddress := base + "/api/v1/spaces/" + from.Slug + "/pages/bescheid"

	if status, _ := api(t, http.MethodPut, oldAddress, outsider.Token, `{"body":"Fremd.","base_revision":1}`); status != http.StatusNotFound {
		t.Errorf("PUT without access to the new space: %d, want 404", status)
	}
	req, _ := http.NewRequest(http.MethodPut, oldAddress, strings.NewReader(`{"body":"Zweite Fassung.","base_revision":1}`))
	req.Header.Set("Authorization", "Bearer "+mod.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Location") != "/api/v1/spaces/"+to.Slug+"/pages/bescheid" {
		t.Fatalf("PUT to the old address: %d, Content-Location %q", resp.StatusCode, resp.Header.Get("Content-Location"))
	}
	status, out := api(t, http.MethodPut, oldAddress, mod.Token, `{"body":"Dritte Fassung.","base_revision":2}`)
	if status != http.StatusOK || out["space"] != to.Slug || out["slug"] != "bescheid" || out["revision"] != float64(3) || out["body"] != "Dritte Fassung." {
		t.Fatalf("PUT answer: %d %v", status, out)
	}
	if status, _ := api(t, http.MethodPut, oldAddress, mod.Token, `{"body":"Ohne Basis."}`); status != http.StatusBadRequest && status != http.StatusUnprocessableEntity {
		t.Errorf("PUT to the old address without base_revision: %d", status)
	}

	// Uploads and restores sent to the old address act on the moved page too.
	if status, _ := upload(t, base, outsider.Token, from.Slug, "bescheid", "fremd.png", pngPixel); status != http.StatusNotFound {
		t.Errorf("upload without access to the new space: %d, want 404", status)
	}
	if status, out := upload(t, base, mod.Token, from.Slug, "bescheid", "skizze.png", pngPixel); status != http.StatusCreated {
		t.Errorf("upload to the old address: %d %v", status, out)
	}
	if _, body := mb.get("/bereiche/" + to.Slug + "/seiten/bescheid"); !strings.Contains(body, "skizze.png") {
		t.Error("the upload to the old address is not on the moved page")
	}
	status, out = api(t, http.MethodPost, oldAddress+"/restore/1", mod.Token, "")
	if status != http.StatusOK || out["space"] != to.Slug || out["body"] != "Erste Fassung." || out["revision"] != float64(4) {
		t.Errorf("restore at the old address: %d %v", status, out)
	}
	if status, tree := api(t, http.MethodGet, base+"/api/v1/spaces/"+from.Slug+"/pages", mod.Token, ""); status != http.StatusOK || tree["pages"] != nil {
		t.Errorf("a second page appeared at the old address: %v", tree["pages"])
	}
}

// A page that goes away (into the trash: its row leaves the table) leaves
// the links to it in place: they show as missing, and point at it again,
// renamed as it is, when it comes back under its id. Purged for good, it
// lets its links go to a page that has taken its title.
func TestLinksOutliveTheirTarget(t *testing.T) {
	agency := makeAgency(t)
	p := makePerson(t, agency, false)
	sp := makeSpace(t, p, policies.Private, policies.RoleMember)
	base := startServer(t)
	putTitled(t, base, p.Token, sp.Slug, "quelle", "Quelle", "Siehe [[Ziel]].")
	target := putTitled(t, base, p.Token, sp.Slug, "ziel", "Ziel", "Das Ziel.")
	id := int64(target["id"].(float64))
	if status, _ := api(t, http.MethodPut, base+"/api/v1/spaces/"+sp.Slug+"/pages/ziel", p.Token, `{"title":"Umbenanntes Ziel","base_revision":1}`); status != http.StatusOK {
		t.Fatalf("rename: %d", status)
	}
	br := newBrowser(t, base)
	br.signIn(p.Email, p.Password)
	source := "/bereiche/" + sp.Slug + "/seiten/quelle"
	linksTo(t, br, []string{source}, "/bereiche/"+sp.Slug+"/seiten/ziel")

	// Into the trash and back.
	spaceAPI := base + "/api/v1/spaces/" + sp.Slug
	trashEntry := func() string {
		t.Helper()
		_, list := api(t, http.MethodGet, spaceAPI+"/trash", p.Token, "")
		items, _ := list["items"].([]any)
		for _, it := range items {
			if e := it.(map[string]any); e["kind"] == "page" && e["item_id"] == float64(id) {
				return fmt.Sprint(e["id"])
			}
		}
		t.Fatalf("page %d not in the trash: %v", id, list)
		return ""
	}
	if status, _ := api(t, http.MethodDelete, spaceAPI+"/pages/ziel", p.Token, ""); status != http.StatusNoContent {
		t.Fatalf("delete: %d", status)
	}
	if _, body := br.get(source); !strings.Contains(body, "wikilink--missing") {
		t.Errorf("a link to a page in the trash is not shown as missing:\n%s", excerpt(body, "wikilink"))
	}
	if status, _ := api(t, http.MethodPost, spaceAPI+"/trash/"+trashEntry()+"/restore", p.Token, ""); status != http.StatusOK {
		t.Fatalf("restore: %d", status)
	}
	linksTo(t, br, []string{source}, "/bereiche/"+sp.Slug+"/seiten/ziel")
	if got := backlinkSlugs(t, base, p.Token, sp.Slug, "ziel"); fmt.Sprint(got) != fmt.Sprint([]string{sp.Slug + "/quelle"}) {
		t.Errorf("backlinks of the restored page: %v", got)
	}

	// Away again; meanwhile another page takes the title the link names.
	if status, _ := api(t, http.MethodDelete, spaceAPI+"/pages/ziel", p.Token, ""); status != http.StatusNoContent {
		t.Fatalf("delete again: %d", status)
	}
	putTitled(t, base, p.Token, sp.Slug, "neues-ziel", "Ziel", "Ein neues Ziel.")
	linksTo(t, br, []string{source}, "/bereiche/"+sp.Slug+"/seiten/neues-ziel")
	if got := backlinkSlugs(t, base, p.Token, sp.Slug, "neues-ziel"); fmt.Sprint(got) != fmt.Sprint([]string{sp.Slug + "/quelle"}) {
		t.Errorf("backlinks of the page that took the title: %v", got)
	}
	// Purged: the link now belongs to the new page, and follows its rename.
	if status, _ := api(t, http.MethodDelete, spaceAPI+"/trash/"+trashEntry()+"?reason=other", p.Token, ""); status != http.StatusNoContent {
		t.Fatalf("purge: %d", status)
	}
	if status, _ := api(t, http.MethodPut, spaceAPI+"/pages/neues-ziel", p.Token, `{"title":"Anderes Ziel","base_revision":1}`); status != http.StatusOK {
		t.Fatalf("rename: %d", status)
	}
	linksTo(t, br, []string{source}, "/bereiche/"+sp.Slug+"/seiten/neues-ziel")
}
