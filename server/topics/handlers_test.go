package topics

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/web"
)

// engine mounts the routes as the server does, with the viewer taken from
// an X-Test-Viewer header ("km" or "member").
func engine(t *testing.T, s *Topics) *gin.Engine {
	t.Helper()
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(func(c *gin.Context) {
		if c.GetHeader("X-Test-Viewer") == "km" {
			web.SetViewer(c, km)
		} else {
			web.SetViewer(c, member)
		}
		web.SetCSRFToken(c, "token")
		c.Next()
	})
	s.Routes(r)
	s.APIRoutes(r.Group("/api/v1"))
	return r
}

func do(r http.Handler, who, method, path string, form url.Values) *httptest.ResponseRecorder {
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Test-Viewer", who)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func doJSON(r http.Handler, who, method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Test-Viewer", who)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func expect(t *testing.T, w *httptest.ResponseRecorder, status int, contains ...string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d; body:\n%.2000s", w.Code, status, w.Body.String())
	}
	for _, c := range contains {
		if !strings.Contains(w.Body.String(), c) {
			t.Fatalf("body lacks %q:\n%.3000s", c, w.Body.String())
		}
	}
	if strings.Contains(w.Header().Get("Content-Type"), "text/html") {
		if n := strings.Count(w.Body.String(), "<h1"); n != 1 {
			t.Fatalf("%d h1 elements", n)
		}
	}
}

func TestPagesForKnowledgeManagersAndMembers(t *testing.T) {
	s := newService(t)
	s.RegisterSection(func(ctx context.Context, v *web.Viewer, ids []int64) (Section, error) {
		return Section{TitleKey: "topics.subtopics", Items: []SectionItem{{Title: "Seite für " + v.Name, URL: "/wiki/x", Meta: "Wiki"}}}, nil
	})
	r := engine(t, s)

	// Members see no management pages at all, GET or POST.
	for _, p := range []string{"/themen/verwalten", "/themen/verwalten/neu", "/glossar/verwalten", "/glossar/verwalten/neu"} {
		expect(t, do(r, "member", "GET", p, nil), http.StatusNotFound)
	}
	expect(t, do(r, "member", "POST", "/themen/verwalten/neu", url.Values{"name": {"Heimlich"}}), http.StatusNotFound)

	// Creating: an empty name comes back with the message and the input kept.
	w := do(r, "km", "POST", "/themen/verwalten/neu", url.Values{"description": {"Bleibt erhalten"}})
	expect(t, w, http.StatusUnprocessableEntity, "Bitte füllen Sie dieses Feld aus.", "Bleibt erhalten", `aria-invalid="true"`)
	expect(t, do(r, "km", "POST", "/themen/verwalten/neu", url.Values{"name": {"Digitalisierung"}, "synonyms": {"Digitale Verwaltung\nE-Government"}}), http.StatusSeeOther)
	root, err := s.BySlug(context.Background(), "digitalisierung")
	if err != nil {
		t.Fatal(err)
	}
	w = do(r, "km", "POST", "/themen/verwalten/neu", url.Values{"name": {"OZG"}, "parent": {itoa64(root.ID)}})
	expect(t, w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/themen/verwalten/ozg?gespeichert=1" {
		t.Fatalf("Location = %q", loc)
	}
	w = do(r, "km", "POST", "/themen/verwalten/neu", url.Values{"name": {"e-government"}, "description": {"Text"}})
	expect(t, w, http.StatusConflict, "„e-government“ ist bereits Name oder Synonym des Themas „Digitalisierung“.", `value="e-government"`, "Text")

	// Renaming keeps the slug; moving below a descendant is refused.
	expect(t, do(r, "km", "POST", "/themen/verwalten/ozg", url.Values{"name": {"Onlinezugangsgesetz"}}), http.StatusSeeOther)
	ozg, _ := s.BySlug(context.Background(), "ozg")
	expect(t, do(r, "km", "POST", "/themen/verwalten/digitalisierung/verschieben", url.Values{"parent": {itoa64(ozg.ID)}}), http.StatusUnprocessableEntity,
		"„Digitalisierung“ kann nicht unter sich selbst")
	expect(t, do(r, "km", "POST", "/themen/verwalten/ozg/synonyme", url.Values{"synonym": {"OZG"}}), http.StatusSeeOther)
	expect(t, do(r, "km", "POST", "/themen/verwalten/ozg/synonyme", url.Values{"synonym": {"ozg"}}), http.StatusConflict, `value="ozg"`)

	// Every page renders, for members and knowledge managers.
	expect(t, do(r, "member", "GET", "/themen", nil), http.StatusOK, "Digitalisierung", "<details", "Onlinezugangsgesetz")
	expect(t, do(r, "member", "GET", "/themen?q=onlinezugang", nil), http.StatusOK, "Onlinezugangsgesetz", "<details open")
	expect(t, do(r, "km", "GET", "/themen", nil), http.StatusOK, "Unsortierte Vorschläge")
	expect(t, do(r, "member", "GET", "/themen/ozg", nil), http.StatusOK, "Onlinezugangsgesetz", `href="/themen/digitalisierung"`, "Seite für Max Mitglied", "OZG")
	expect(t, do(r, "km", "GET", "/themen/verwalten", nil), http.StatusOK, "Digitalisierung › Onlinezugangsgesetz")
	expect(t, do(r, "km", "GET", "/themen/verwalten/neu", nil), http.StatusOK, "csrf_token")
	expect(t, do(r, "km", "GET", "/themen/verwalten/ozg?gespeichert=1", nil), http.StatusOK, "gespeichert", `value="Onlinezugangsgesetz"`)

	// A proposal is sorted in, merged, and its slug redirects.
	list, err := s.Resolve(context.Background(), []string{"Onlinedienste"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, do(r, "km", "GET", "/themen/verwalten", nil), http.StatusOK, "Unsortiert (1)", "Onlinedienste")
	expect(t, do(r, "km", "GET", "/themen/verwalten/onlinedienste", nil), http.StatusOK, "Vorschlag löschen")
	expect(t, do(r, "km", "POST", "/themen/verwalten/onlinedienste/zusammenfuehren", url.Values{"into": {""}}), http.StatusUnprocessableEntity)
	expect(t, do(r, "km", "POST", "/themen/verwalten/onlinedienste/zusammenfuehren", url.Values{"into": {itoa64(ozg.ID)}}), http.StatusSeeOther)
	w = do(r, "member", "GET", "/themen/"+list[0].Slug, nil)
	if w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/themen/ozg" {
		t.Fatalf("merged slug: %d %s", w.Code, w.Header().Get("Location"))
	}
	expect(t, do(r, "member", "GET", "/themen/gibt-es-nicht", nil), http.StatusNotFound)

	// Glossary.
	expect(t, do(r, "km", "POST", "/glossar/verwalten/neu", url.Values{"term": {"Ärztliches Attest"}, "abbreviations": {"AA"}}), http.StatusUnprocessableEntity,
		"Bitte füllen Sie dieses Feld aus.", `value="AA"`)
	expect(t, do(r, "km", "POST", "/glossar/verwalten/neu", url.Values{"term": {"Ärztliches Attest"}, "abbreviations": {"AA, Attest"}, "definition": {"Eine Bescheinigung.\n\nZweiter Absatz."}}), http.StatusSeeOther)
	expect(t, do(r, "member", "GET", "/glossar", nil), http.StatusOK, `<dt id="aerztliches-attest"`, `href="#buchstabe_a"`, "<dl", "AA, Attest", "<p class=\"kern-body\">Zweiter Absatz.</p>")
	expect(t, do(r, "km", "GET", "/glossar/verwalten", nil), http.StatusOK, "Ärztliches Attest")
	expect(t, do(r, "km", "GET", "/glossar/verwalten/aerztliches-attest", nil), http.StatusOK, `value="AA, Attest"`)
	expect(t, do(r, "km", "POST", "/glossar/verwalten/aerztliches-attest", url.Values{"term": {"Ärztliches Attest"}, "definition": {"Neu."}}), http.StatusSeeOther)
	expect(t, do(r, "km", "POST", "/glossar/verwalten/aerztliches-attest/loeschen", nil), http.StatusSeeOther)
	expect(t, do(r, "member", "GET", "/glossar", nil), http.StatusOK)
}

func TestAPI(t *testing.T) {
	s := newService(t)
	r := engine(t, s)
	w := doJSON(r, "member", "POST", "/api/v1/topics", `{"name":"Beschaffung"}`)
	expect(t, w, http.StatusForbidden, `"code":"forbidden"`)
	w = doJSON(r, "km", "POST", "/api/v1/topics", `{"name":"Beschaffung","synonyms":["Einkauf"],"description":"Alles rund um den Einkauf."}`)
	expect(t, w, http.StatusCreated, `"slug":"beschaffung"`, `"synonyms":["Einkauf"]`)
	w = doJSON(r, "km", "POST", "/api/v1/topics", `{"name":"Rahmenverträge","parent":"beschaffung"}`)
	expect(t, w, http.StatusCreated)
	var child Topic
	json.Unmarshal(w.Body.Bytes(), &child)
	if child.ParentID == nil {
		t.Fatal("parent not set")
	}
	expect(t, doJSON(r, "km", "POST", "/api/v1/topics", `{"name":"einkauf"}`), http.StatusConflict, `"code":"conflict"`)
	expect(t, doJSON(r, "km", "POST", "/api/v1/topics", `{"name":""}`), http.StatusUnprocessableEntity, `"code":"invalid"`)
	expect(t, doJSON(r, "member", "PUT", "/api/v1/topics/beschaffung", `{"name":"X"}`), http.StatusForbidden)
	w = doJSON(r, "km", "PUT", "/api/v1/topics/beschaffung", `{"name":"Öffentliche Beschaffung","synonyms":["Einkauf","Vergabe öffentlicher Aufträge"]}`)
	expect(t, w, http.StatusOK, `"name":"Öffentliche Beschaffung"`, `"slug":"beschaffung"`, "Vergabe öffentlicher Aufträge")
	expect(t, doJSON(r, "km", "PUT", "/api/v1/topics/beschaffung", `{"parent":"rahmenvertraege"}`), http.StatusUnprocessableEntity, "kann nicht unter sich selbst")
	expect(t, doJSON(r, "km", "PUT", "/api/v1/topics/rahmenvertraege", `{"parent":null}`), http.StatusOK, `"parent":null`)
	expect(t, doJSON(r, "member", "GET", "/api/v1/topics/beschaffung", ""), http.StatusOK, `"unsorted":false`)
	expect(t, doJSON(r, "member", "GET", "/api/v1/topics/nichts", ""), http.StatusNotFound, `"code":"not_found"`)
	expect(t, doJSON(r, "member", "GET", "/api/v1/topics/suggest?q=oeffentl", ""), http.StatusOK, `"name":"Öffentliche Beschaffung"`)
	w = doJSON(r, "member", "GET", "/api/v1/topics?limit=1", "")
	expect(t, w, http.StatusOK, `"next_cursor":"`)
	var page struct {
		Topics []Topic `json:"topics"`
		Next   string  `json:"next_cursor"`
	}
	json.Unmarshal(w.Body.Bytes(), &page)
	if len(page.Topics) != 1 || page.Next == "" {
		t.Fatalf("page = %+v", page)
	}
	expect(t, doJSON(r, "member", "GET", "/api/v1/topics?limit=0", ""), http.StatusUnprocessableEntity)
}

func itoa64(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
