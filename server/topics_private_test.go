package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/policies"
)

// A topic typed on a page of a private space stays with the page: people
// who may not read the page do not find it in suggestions, as a topic
// page or in the topic list, knowledge managers among them; members of
// the space do. One request cannot propose a flood of topics.
func TestTopicFromPrivatePageStaysPrivate(t *testing.T) {
	agency := makeAgency(t)
	owner, colleague, km := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	testDB.Pool.Exec(t.Context(), `UPDATE accounts SET is_knowledge_manager = true WHERE id = $1`, km.ID)
	priv := makeSpace(t, owner, policies.Private, policies.RoleViewer)
	base := startServer(t)
	seesSpace(t, base, owner, priv)

	name := unique("Kündigung Herr Maier")
	status, out := api(t, http.MethodPut, base+"/api/v1/spaces/"+priv.Slug+"/pages/vermerk", owner.Token,
		fmt.Sprintf(`{"title":"Vermerk","body":"Vertraulich.","topics":[%q]}`, name))
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("page: %d %v", status, out)
	}
	topics, _ := out["topics"].([]any)
	if len(topics) != 1 {
		t.Fatalf("page topics: %v", out["topics"])
	}
	slug := topics[0].(map[string]any)["slug"].(string)
	var topicID string
	if err := testDB.Pool.QueryRow(t.Context(), `SELECT id::text FROM topics WHERE slug = $1`, slug).Scan(&topicID); err != nil {
		t.Fatal(err)
	}

	finds := func(p person) []string {
		t.Helper()
		var where []string
		if _, body := api(t, http.MethodGet, base+"/api/v1/topics/suggest?q=kuendigung", p.Token, ""); fmt.Sprint(body) != "map[suggestions:[]]" {
			where = append(where, "suggest")
		}
		if status, _ := api(t, http.MethodGet, base+"/api/v1/topics/"+slug, p.Token, ""); status != http.StatusNotFound {
			where = append(where, "api")
		}
		br := newBrowser(t, base)
		br.signIn(p.Email, p.Password)
		if resp, _ := br.get("/themen/" + slug); resp.StatusCode != http.StatusNotFound {
			where = append(where, "page")
		}
		if _, body := br.get("/themen/verwalten"); strings.Contains(body, name) {
			where = append(where, "proposals")
		}
		if _, body := br.get("/experten?thema=" + slug); strings.Contains(body, name) {
			where = append(where, "experts")
		}
		// Watching it would put its name into the watcher's list.
		if resp, _ := br.post("/", "/beobachten", url.Values{"kind": {"topic"}, "item": {topicID}, "watch": {"1"}, "next": {"/"}}); resp.StatusCode != http.StatusNotFound {
			where = append(where, "watch")
		}
		return where
	}
	if where := finds(colleague); len(where) != 0 {
		t.Errorf("a colleague outside the private space finds its topic: %v", where)
	}
	if where := finds(km); len(where) != 0 {
		t.Errorf("a knowledge manager outside the private space finds its topic: %v", where)
	}
	if where := finds(owner); len(where) != 5 { // the proposals view is for knowledge managers
		t.Errorf("a member of the space finds its topic only at %v", where)
	}

	var many []string
	for i := range 3000 {
		many = append(many, fmt.Sprintf("%q", unique(fmt.Sprint("Flut ", i))))
	}
	status, out = api(t, http.MethodPut, base+"/api/v1/spaces/"+priv.Slug+"/pages/flut", owner.Token,
		`{"title":"Flut","body":"Text.","topics":[`+strings.Join(many, ",")+`]}`)
	if status != http.StatusUnprocessableEntity || !strings.Contains(errMessage(out), "höchstens 20 Themen") {
		t.Errorf("3,000 topics on one page: %d %q", status, errMessage(out))
	}
	var n int
	testDB.Pool.QueryRow(t.Context(), `SELECT count(*) FROM topics WHERE name LIKE 'Flut %'`).Scan(&n)
	if n != 0 {
		t.Errorf("a refused request proposed %d topics", n)
	}
}
