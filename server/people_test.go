package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/auth"
)

// letterTag is a word of letters no other test of this run uses: topic
// labels are unique across the instance, and a number would not survive
// the matcher's word splitting the way a typed name does.
func letterTag() string {
	n := fixtureSeq.Add(1)
	tag := ""
	for ; n > 0; n /= 26 {
		tag = string(rune('a'+n%26)) + tag
	}
	return "qz" + tag
}

func makeTopic(t *testing.T, name string, parent *int64, synonyms ...string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := testDB.Pool.QueryRow(ctx, `INSERT INTO topics (slug, name, parent_id) VALUES ($1, $2, $3) RETURNING id`,
		unique("thema"), name, parent).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, s := range synonyms {
		if _, err := testDB.Pool.Exec(ctx, `INSERT INTO topic_labels (label, topic_id) VALUES ($1, $2)`, s, id); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func dbExec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := testDB.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func giveSkill(t *testing.T, p person, topic int64) {
	dbExec(t, `INSERT INTO profile_skills (account_id, topic_id, level) VALUES ($1, $2, 'advanced')`, p.ID, topic)
}

// acceptedAnswer gives answerer an accepted answer on a question of asker
// on topic in space.
func acceptedAnswer(t *testing.T, space int64, asker, answerer person, topic int64) {
	t.Helper()
	ctx := context.Background()
	var q, a int64
	if err := testDB.Pool.QueryRow(ctx, `INSERT INTO questions (space_id, author_id, title, body) VALUES ($1, $2, 'Eine Frage zur Vergabe', '') RETURNING id`,
		space, asker.ID).Scan(&q); err != nil {
		t.Fatal(err)
	}
	if err := testDB.Pool.QueryRow(ctx, `INSERT INTO answers (question_id, author_id, body) VALUES ($1, $2, 'So geht es.') RETURNING id`, q, answerer.ID).Scan(&a); err != nil {
		t.Fatal(err)
	}
	dbExec(t, `UPDATE questions SET accepted_answer_id = $2 WHERE id = $1`, q, a)
	dbExec(t, `INSERT INTO question_topics (question_id, topic_id) VALUES ($1, $2)`, q, topic)
}

func makeUnit(t *testing.T, agency auth.Agency, name string, parent *int64) int64 {
	t.Helper()
	var id int64
	if err := testDB.Pool.QueryRow(context.Background(), `INSERT INTO org_units (agency_id, parent_id, name) VALUES ($1, $2, $3) RETURNING id`,
		agency.ID, parent, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// handles lists the handles of a JSON list of people or experts, sorted.
func handles(t *testing.T, out map[string]any, key string) []string {
	t.Helper()
	list, ok := out[key].([]any)
	if !ok {
		t.Fatalf("no %q in %v", key, out)
	}
	var hs []string
	for _, x := range list {
		hs = append(hs, x.(map[string]any)["handle"].(string))
	}
	slices.Sort(hs)
	return hs
}

func handlesOf(people ...person) []string {
	var hs []string
	for _, p := range people {
		hs = append(hs, p.Handle)
	}
	slices.Sort(hs)
	return hs
}

// The directory, the people API and the expert search take a typed skill
// the same way: by compound part, with a typo, by synonym, with the
// subtopics, and by unit name; hidden profiles and other agencies' people
// are found nowhere.
func TestPeopleAreFoundBySkillAlikeEverywhere(t *testing.T) {
	agency, other := makeAgency(t), makeAgency(t)
	viewer := makePerson(t, agency, false)
	tag := letterTag()
	recht := makeTopic(t, "Vergaberecht "+tag, nil)
	bau := makeTopic(t, "Vergabe von Bauleistungen "+tag, nil)
	unter := makeTopic(t, "Unterschwellenvergabe "+tag, &recht, "Auftragswesen "+tag)
	a, b, c := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	giveSkill(t, a, recht)
	giveSkill(t, b, bau)
	giveSkill(t, c, unter)
	hidden, foreign := makePerson(t, agency, false), makePerson(t, other, false)
	giveSkill(t, hidden, recht)
	giveSkill(t, foreign, recht)
	dbExec(t, `UPDATE profiles SET hidden = true WHERE account_id = $1`, hidden.ID)

	// Work shows expertise only with consent, from content the viewer may read.
	sp := makeSpace(t, viewer, policies.Organisation, policies.RoleMember)
	f, g := makePerson(t, agency, false), makePerson(t, agency, false)
	dbExec(t, `UPDATE profiles SET derived_consent = true WHERE account_id = $1`, f.ID)
	for _, p := range []person{f, g} {
		acceptedAnswer(t, sp.ID, viewer, p, bau)
	}

	unit := makeUnit(t, agency, "Referat Z2 – Haushalt und Beschaffung "+tag, nil)
	below := makeUnit(t, agency, "Sachgebiet Einkauf "+tag, &unit)
	otherUnit := makeUnit(t, other, "Haushalt und Beschaffung "+tag, nil)
	d, e, hiddenInUnit, foreignInUnit := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, other, false)
	dbExec(t, `UPDATE profiles SET org_unit_id = $2 WHERE account_id = ANY($1)`, []int64{d.ID, hiddenInUnit.ID}, unit)
	dbExec(t, `UPDATE profiles SET org_unit_id = $2 WHERE account_id = $1`, e.ID, below)
	dbExec(t, `UPDATE profiles SET org_unit_id = $2 WHERE account_id = $1`, foreignInUnit.ID, otherUnit)
	dbExec(t, `UPDATE profiles SET hidden = true WHERE account_id = $1`, hiddenInUnit.ID)

	base := startServer(t)
	people := func(skill string) []string {
		status, out := api(t, http.MethodGet, base+"/api/v1/people?skill="+url.QueryEscape(skill), viewer.Token, "")
		if status != http.StatusOK {
			t.Fatalf("people %q: %d %v", skill, status, out)
		}
		return handles(t, out, "people")
	}
	experts := func(q string) []string {
		status, out := api(t, http.MethodGet, base+"/api/v1/experts?q="+url.QueryEscape(q), viewer.Token, "")
		if status != http.StatusOK {
			t.Fatalf("experts %q: %d %v", q, status, out)
		}
		return handles(t, out, "experts")
	}
	for _, tc := range []struct {
		typed string
		want  []person
	}{
		{"Vergabe", []person{a, b, c, f}},
		{"Vergabb", []person{a, b, c, f}},
		{"Auftragswesen " + tag, []person{c}},
		{"Vergaberecht " + tag, []person{a, c}},
		{"Beschaffung", []person{d, e}},
	} {
		want := handlesOf(tc.want...)
		if got := people(tc.typed); !slices.Equal(got, want) {
			t.Errorf("directory %q: %v, want %v", tc.typed, got, want)
		}
		if got := experts(tc.typed); !slices.Equal(got, want) {
			t.Errorf("experts %q: %v, want %v", tc.typed, got, want)
		}
	}

	br := newBrowser(t, base)
	br.signIn(viewer.Email, viewer.Password)
	_, page := br.get("/personen?kenntnis=Vergabe")
	link := func(p person) string { return `href="/personen/` + p.Handle + `"` }
	for _, p := range []person{a, b, c, f} {
		if !strings.Contains(page, link(p)) {
			t.Errorf("the directory page lacks %s", p.Handle)
		}
	}
	if strings.Contains(page, link(hidden)) || strings.Contains(page, link(foreign)) || strings.Contains(page, link(g)) {
		t.Error("the directory page shows a hidden or foreign profile")
	}
	// Nobody found (three letters missing are too many for a typo): the
	// closest topic is offered, and asking.
	for _, path := range []string{"/personen?kenntnis=Untrschwlenverabe+" + tag, "/experten?q=Untrschwlenverabe+" + tag} {
		_, page = br.get(path)
		if !strings.Contains(page, "Meinten Sie") || !strings.Contains(page, "Unterschwellenvergabe "+tag) || !strings.Contains(page, `href="/fragen/neu"`) {
			t.Errorf("%s offers no next step:\n%.3000s", path, page[strings.Index(page, "<main"):])
		}
	}
}

// A person's document in the search index carries the synonyms of their
// skills and the topics above them, so that the site search finds them by
// those, typos included; a hidden profile is not found.
func TestSearchFindsPeopleBySkillTerms(t *testing.T) {
	agency := makeAgency(t)
	viewer, expert, hidden := makePerson(t, agency, false), makePerson(t, agency, false), makePerson(t, agency, false)
	sp := makeSpace(t, viewer, policies.Organisation, policies.RoleMember)
	tag := letterTag()
	parent := makeTopic(t, "Demografie "+tag, nil)
	makeTopic(t, "Zensus "+tag, &parent, "Statistik "+tag)
	base := searchServer(t, nil)
	warmUp(t, base, viewer.Token, sp.Slug)

	for _, p := range []person{expert, hidden} {
		body := fmt.Sprintf(`{"skills":[{"topic":%q,"level":"expert"}]}`, "Zensus "+tag)
		if status, out := api(t, http.MethodPut, base+"/api/v1/me/profile", p.Token, body); status != http.StatusOK {
			t.Fatalf("skills: %d %v", status, out)
		}
	}
	if status, out := api(t, http.MethodPut, base+"/api/v1/me/profile", hidden.Token, `{"hidden":true}`); status != http.StatusOK {
		t.Fatalf("hide: %d %v", status, out)
	}
	want := []string{fmt.Sprintf("person-%d", expert.ID)}
	people := func(q string) []string {
		ids, _ := searchIDs(t, base, viewer.Token, q)
		return slices.DeleteFunc(ids, func(id string) bool { return !strings.HasPrefix(id, "person-") })
	}
	// Without the tag, which every label has and which would match alone.
	for _, q := range []string{"Zensus", "Demografie", "Statistik"} { // the skill, its parent, its synonym
		eventually(t, 15*time.Second, "search "+q+" finds only the listed expert", func() bool { return slices.Equal(people(q), want) })
	}

	// With typos, the person is found like a page with the same words.
	_, page := putPage(t, base, viewer.Token, sp.Slug, "landkreis", "Demografie und Statistik im Landkreis.", 0)
	eventually(t, 15*time.Second, "the page is found", func() bool {
		ids, _ := searchIDs(t, base, viewer.Token, "Landkreis")
		return slices.Contains(ids, pageID(page))
	})
	for _, q := range []string{"Demograife", "Statstik"} {
		ids, _ := searchIDs(t, base, viewer.Token, q)
		if !slices.Contains(ids, pageID(page)) {
			t.Errorf("the site search does not find the page by %q", q)
		}
		if got := people(q); !slices.Equal(got, want) {
			t.Errorf("search %q: people %v, want %v", q, got, want)
		}
	}
}
