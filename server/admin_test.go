package main

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// adminBrowser signs p in and picks up the session's CSRF token.
func adminBrowser(t *testing.T, base string, p person) *browser {
	t.Helper()
	b := newBrowser(t, base)
	if resp, _ := b.signIn(p.Email, p.Password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in of %s: %d", p.Email, resp.StatusCode)
	}
	b.get("/konto")
	return b
}

func wantStatus(t *testing.T, what string, resp *http.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s: status %d, want %d", what, resp.StatusCode, want)
	}
}

func wantBody(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// Nobody but an admin learns that the administration exists: anonymous
// visitors and signed-in people get the same 404 as for any unknown page,
// and their posts change nothing.
func TestAdministrationIsHiddenFromOthers(t *testing.T) {
	agency := makeAgency(t)
	admin, member := makePerson(t, agency, true), makePerson(t, agency, false)
	base := startServer(t)
	anonymous := newBrowser(t, base)
	anonymous.get("/anmelden") // the anonymous CSRF token, so that posts get past the CSRF check
	for name, b := range map[string]*browser{"anonymous": anonymous, "member": adminBrowser(t, base, member)} {
		for _, path := range []string{"/verwaltung", "/verwaltung/konten", "/verwaltung/konten/neu", "/verwaltung/konten/" + admin.Handle,
			"/verwaltung/behoerden", "/verwaltung/gruppen", "/verwaltung/gruppen/irgendeine", "/verwaltung/barrieren"} {
			resp, _ := b.get(path)
			wantStatus(t, name+" GET "+path, resp, http.StatusNotFound)
		}
		posts := map[string]url.Values{
			"/verwaltung/konten":                             {"agency": {agency.Slug}, "email": {"x@example.org"}, "name": {"X"}},
			"/verwaltung/konten/" + admin.Handle + "/status": {"disabled": {"1"}},
			"/verwaltung/konten/" + admin.Handle + "/rollen": {},
			"/verwaltung/behoerden":                          {"name": {"Fremd"}, "slug": {unique("fremd")}},
			"/verwaltung/gruppen":                            {"name": {"Fremd"}, "slug": {unique("fremd")}},
			"/verwaltung/gruppen/irgendeine/mitglieder":      {"member": {member.Handle}},
			"/verwaltung/barrieren/1/erledigt":               {},
		}
		for path, form := range posts {
			resp, _ := b.post("/anmelden", path, form)
			wantStatus(t, name+" POST "+path, resp, http.StatusNotFound)
		}
	}
	a := adminBrowser(t, base, admin)
	resp, body := a.get("/verwaltung")
	wantStatus(t, "admin GET /verwaltung", resp, http.StatusOK)
	if strings.Count(body, "<h1") != 1 {
		t.Error("the overview has not exactly one h1")
	}
}

func TestAdminCreatesAgencyAndAccount(t *testing.T) {
	admin := makePerson(t, makeAgency(t), true)
	base := startServer(t)
	a := adminBrowser(t, base, admin)

	slug := unique("landesamt")
	resp, _ := a.post("/verwaltung/behoerden", "/verwaltung/behoerden", url.Values{"name": {"Landesamt für Tests"}, "slug": {slug}})
	wantStatus(t, "create agency", resp, http.StatusSeeOther)
	_, body := a.get("/verwaltung/behoerden")
	wantBody(t, "agency list", body, "Landesamt für Tests", slug)
	resp, body = a.post("/verwaltung/behoerden", "/verwaltung/behoerden", url.Values{"name": {"Doppelt"}, "slug": {slug}})
	wantStatus(t, "taken agency slug", resp, http.StatusConflict)
	wantBody(t, "taken agency slug", body, `value="Doppelt"`, "bereits vergeben", `href="#f-slug"`)

	email := unique("neu") + "@example.org"
	password := "ein-sehr-langes-erstes-passwort"
	resp, _ = a.post("/verwaltung/konten/neu", "/verwaltung/konten", url.Values{
		"agency": {slug}, "email": {email}, "name": {"Erika Neu"}, "password": {password}, "knowledge_manager": {"1"},
	})
	wantStatus(t, "create account", resp, http.StatusSeeOther)
	handle := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/verwaltung/konten/"), "?angelegt=1")
	if !strings.HasPrefix(email, handle+"@") {
		t.Errorf("handle %q was not derived from %s", handle, email)
	}
	_, body = a.get("/verwaltung/konten?behoerde=" + slug + "&q=erika")
	wantBody(t, "filtered account list", body, "Erika Neu", "@"+handle, email, "Wissensmanagement")
	if _, body = a.get("/verwaltung/konten?behoerde=" + slug + "&q=niemand"); strings.Contains(body, "Erika Neu") {
		t.Error("the text filter does not filter")
	}
	if resp, _ := newBrowser(t, base).signIn(email, password); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/konto" {
		t.Fatalf("the new account cannot sign in with its initial password: %d", resp.StatusCode)
	}

	resp, body = a.post("/verwaltung/konten/neu", "/verwaltung/konten", url.Values{
		"agency": {slug}, "email": {email}, "name": {"Erika Doppelt"}, "handle": {unique("erika")},
	})
	wantStatus(t, "taken e-mail", resp, http.StatusConflict)
	wantBody(t, "taken e-mail", body, `value="Erika Doppelt"`, `value="`+email+`"`, "Diese E-Mail-Adresse wird bereits verwendet.", `href="#f-email"`, `aria-invalid="true"`)

	resp, body = a.post("/verwaltung/konten/neu", "/verwaltung/konten", url.Values{
		"agency": {slug}, "email": {unique("kurz") + "@example.org"}, "name": {"Kurt Kurz"}, "password": {"zu-kurz"}, "admin": {"1"},
	})
	wantStatus(t, "short password", resp, http.StatusUnprocessableEntity)
	wantBody(t, "short password", body, `value="Kurt Kurz"`, "mindestens 12 Zeichen", `href="#f-password"`, `name="admin" value="1" checked`)
	if strings.Contains(body, "zu-kurz") {
		t.Error("the rejected password was sent back into the page")
	}
	resp, body = a.post("/verwaltung/konten/neu", "/verwaltung/konten", url.Values{"agency": {""}, "email": {"keine-adresse"}})
	wantStatus(t, "empty form", resp, http.StatusUnprocessableEntity)
	wantBody(t, "empty form", body, `href="#f-agency"`, `href="#f-email"`, `href="#f-name"`, `value="keine-adresse"`)

	for _, path := range []string{"/verwaltung", "/verwaltung/konten", "/verwaltung/konten/neu", "/verwaltung/konten/" + handle,
		"/verwaltung/behoerden", "/verwaltung/gruppen", "/verwaltung/barrieren"} {
		for _, lang := range []string{"de", "en"} {
			req, _ := http.NewRequest(http.MethodGet, base+path, nil)
			req.Header.Set("Accept-Language", lang)
			resp, body := a.do(req)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `<html lang="`+lang+`">`) || strings.Count(body, "<h1") != 1 {
				t.Errorf("%s in %s: status %d, want 200 with exactly one h1", path, lang, resp.StatusCode)
			}
		}
	}
}

func TestAdminDisablesAccountsButNotThemselves(t *testing.T) {
	agency := makeAgency(t)
	admin, p := makePerson(t, agency, true), makePerson(t, agency, false)
	base := startServer(t)
	a := adminBrowser(t, base, admin)
	pb := adminBrowser(t, base, p)

	if resp, _ := pb.get("/verwaltung"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("before the role change: %d", resp.StatusCode)
	}
	resp, _ := a.post("/verwaltung", "/verwaltung/konten/"+p.Handle+"/rollen", url.Values{"admin": {"1"}})
	wantStatus(t, "make admin", resp, http.StatusSeeOther)
	if resp, _ := pb.get("/verwaltung"); resp.StatusCode != http.StatusOK {
		t.Fatalf("a new admin does not reach the administration: %d", resp.StatusCode)
	}

	resp, _ = a.post("/verwaltung", "/verwaltung/konten/"+p.Handle+"/status", url.Values{"disabled": {"1"}})
	wantStatus(t, "disable", resp, http.StatusSeeOther)
	if resp, _ := pb.get("/konto"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/anmelden") {
		t.Fatalf("the disabled account's session still works: %d", resp.StatusCode)
	}
	if resp, _ := newBrowser(t, base).signIn(p.Email, p.Password); resp.StatusCode == http.StatusSeeOther {
		t.Fatal("a disabled account can sign in")
	}
	_, body := a.get("/verwaltung/konten?q=" + p.Handle)
	wantBody(t, "account list", body, "deaktiviert")
	resp, _ = a.post("/verwaltung", "/verwaltung/konten/"+p.Handle+"/status", url.Values{"disabled": {"0"}})
	wantStatus(t, "enable", resp, http.StatusSeeOther)
	if resp, _ := newBrowser(t, base).signIn(p.Email, p.Password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("an enabled account cannot sign in: %d", resp.StatusCode)
	}

	resp, body = a.post("/verwaltung", "/verwaltung/konten/"+admin.Handle+"/status", url.Values{"disabled": {"1"}})
	wantStatus(t, "disable oneself", resp, http.StatusConflict)
	wantBody(t, "disable oneself", body, "Ihr eigenes Konto können Sie nicht deaktivieren.")
	resp, body = a.post("/verwaltung", "/verwaltung/konten/"+admin.Handle+"/rollen", url.Values{"knowledge_manager": {"1"}})
	wantStatus(t, "drop one's own admin role", resp, http.StatusConflict)
	wantBody(t, "drop one's own admin role", body, "Administrationsrolle nicht selbst entziehen", `href="#f-admin"`, `name="knowledge_manager" value="1" checked`)
	if resp, _ := a.get("/verwaltung/konten"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the admin locked themselves out: %d", resp.StatusCode)
	}
}

// Group membership changes take effect on the very next request.
func TestAdminManagesGroupMembers(t *testing.T) {
	agency := makeAgency(t)
	admin, p := makePerson(t, agency, true), makePerson(t, agency, false)
	base := startServer(t)
	a := adminBrowser(t, base, admin)

	slug := unique("gruppe")
	resp, _ := a.post("/verwaltung/gruppen", "/verwaltung/gruppen", url.Values{"name": {"Redaktion"}, "slug": {slug}})
	wantStatus(t, "create group", resp, http.StatusSeeOther)
	g, err := policies.NewStore(testDB.Pool).GroupBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	sp := makeSpace(t, admin, policies.Private, policies.RoleMember)
	if err := policies.NewStore(testDB.Pool).SetMember(context.Background(), sp.ID, policies.MemberRef{GroupID: g.ID}, policies.RoleViewer); err != nil {
		t.Fatal(err)
	}
	resp, _ = a.post("/verwaltung/gruppen", "/verwaltung/gruppen", url.Values{"name": {"Doppelt"}, "slug": {slug}})
	wantStatus(t, "taken group slug", resp, http.StatusConflict)

	group := "/verwaltung/gruppen/" + slug
	resp, body := a.post(group, group+"/mitglieder", url.Values{"member": {"niemand-" + slug}})
	wantStatus(t, "unknown member", resp, http.StatusUnprocessableEntity)
	wantBody(t, "unknown member", body, `value="niemand-`+slug+`"`, `href="#f-member"`)
	resp, _ = a.post(group, group+"/mitglieder", url.Values{"member": {p.Email}})
	wantStatus(t, "add member by e-mail", resp, http.StatusSeeOther)
	_, body = a.get(group)
	wantBody(t, "group page", body, p.DisplayName, "@"+p.Handle)
	if status, _ := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug, p.Token, ""); status != http.StatusOK {
		t.Fatalf("a new group member cannot read the group's space: %d", status)
	}
	resp, _ = a.post(group, group+"/mitglieder/entfernen", url.Values{"account": {strconv.FormatInt(p.ID, 10)}})
	wantStatus(t, "remove member", resp, http.StatusSeeOther)
	if _, body = a.get(group); strings.Contains(body, "@"+p.Handle) {
		t.Error("the removed member is still listed")
	}
	if status, _ := api(t, http.MethodGet, base+"/api/v1/spaces/"+sp.Slug, p.Token, ""); status != http.StatusNotFound {
		t.Fatalf("a removed group member still reads the space: %d", status)
	}
	resp, _ = a.post(group, group+"/mitglieder", url.Values{"member": {"@" + p.Handle}})
	wantStatus(t, "add member by handle", resp, http.StatusSeeOther)
	_, body = a.get("/verwaltung/gruppen")
	wantBody(t, "group list", body, "Redaktion", "@"+slug)
}

func TestAdminResolvesBarrierReports(t *testing.T) {
	admin := makePerson(t, makeAgency(t), true)
	base := startServer(t)
	a := adminBrowser(t, base, admin)
	ctx := context.Background()
	tag := unique("meldung")
	var open, fresh, old int64
	insert := func(desc, resolved string, id *int64) {
		err := testDB.Pool.QueryRow(ctx, `INSERT INTO barrier_reports (page_url, description, created_at, resolved_at)
			VALUES ('/seite', $1, now() - interval '2 years', now() - $2::interval) RETURNING id`, desc, resolved).Scan(id)
		if err != nil {
			t.Fatal(err)
		}
	}
	insert(tag+" erledigt neu", "1 day", &fresh)
	insert(tag+" erledigt alt", "13 months", &old)
	if err := testDB.Pool.QueryRow(ctx, `INSERT INTO barrier_reports (page_url, description) VALUES ('/seite', $1) RETURNING id`, tag+" offen").Scan(&open); err != nil {
		t.Fatal(err)
	}

	resp, body := a.get("/verwaltung/barrieren")
	wantStatus(t, "report list", resp, http.StatusOK)
	if i, j := strings.Index(body, tag+" offen"), strings.Index(body, tag+" erledigt neu"); i < 0 || j < 0 || i > j {
		t.Errorf("open report at %d, resolved one at %d: want both, the open one first", i, j)
	}
	if strings.Contains(body, tag+" erledigt alt") {
		t.Error("a report resolved more than a year ago is still listed")
	}
	var n int
	testDB.Pool.QueryRow(ctx, `SELECT count(*) FROM barrier_reports WHERE id = $1`, old).Scan(&n)
	if n != 0 {
		t.Error("a report resolved more than a year ago was not deleted")
	}

	resp, _ = a.post("/verwaltung/barrieren", "/verwaltung/barrieren/"+strconv.FormatInt(open, 10)+"/erledigt", url.Values{})
	wantStatus(t, "resolve", resp, http.StatusSeeOther)
	var resolved bool
	testDB.Pool.QueryRow(ctx, `SELECT resolved_at IS NOT NULL FROM barrier_reports WHERE id = $1`, open).Scan(&resolved)
	if !resolved {
		t.Error("the report was not marked as resolved")
	}
	resp, _ = a.post("/verwaltung/barrieren", "/verwaltung/barrieren/999999999/erledigt", url.Values{})
	wantStatus(t, "resolve an unknown report", resp, http.StatusNotFound)
}
