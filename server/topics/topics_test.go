package topics

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/web"
)

var db *postgres.TestDatabase

// testLog receives the service log; set FACHNETZ_TEST_LOG=1 to see it.
var testLog io.Writer = io.Discard

func init() {
	if os.Getenv("FACHNETZ_TEST_LOG") != "" {
		testLog = os.Stderr
	}
}

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "topics", &db)) }

var (
	feOnce sync.Once
	fe     *frontend.Frontend
	feErr  error
)

func newService(t *testing.T) *Topics {
	t.Helper()
	feOnce.Do(func() { fe, feErr = frontend.New() })
	if feErr != nil {
		t.Fatal(feErr)
	}
	return New(&web.Web{Frontend: fe, Log: slog.New(slog.NewTextHandler(testLog, nil))}, db.Pool, Deps{})
}

var km = &web.Viewer{ID: 1, Name: "Kim Wissen", KnowledgeManager: true}
var member = &web.Viewer{ID: 2, Name: "Max Mitglied"}

// account inserts a person to propose topics.
func account(t *testing.T, handle string) int64 {
	t.Helper()
	ctx := context.Background()
	var agency, id int64
	err := db.Pool.QueryRow(ctx, `INSERT INTO agencies (slug, name) VALUES ($1, 'Testbehörde') RETURNING id`, "ag-"+handle).Scan(&agency)
	if err == nil {
		err = db.Pool.QueryRow(ctx, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, $3, $4) RETURNING id`,
			agency, handle+"@example.org", "Person "+handle, handle).Scan(&id)
	}
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustCreate(t *testing.T, s *Topics, in TopicInput) Topic {
	t.Helper()
	topic, problems, err := s.Create(context.Background(), km, in)
	if err != nil || len(problems) > 0 {
		t.Fatalf("create %q: %v %v", in.Name, problems, err)
	}
	return topic
}

func problemKey(problems []*errs.Error, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	if len(problems) == 0 {
		return ""
	}
	return problems[0].Key + "@" + problems[0].Field
}

func TestResolveMatchesNamesAndSynonymsAndProposesTheRest(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	proposer := account(t, "resolver")
	vr := mustCreate(t, s, TopicInput{Name: "Vergaberecht", Synonyms: []string{"Vergabe", "VgR"}})

	got, err := s.Resolve(ctx, []string{" vergabe ", "", "Neues   Ding", "neues ding", "VERGABERECHT", "vgr"}, proposer)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != vr.ID || got[1].Name != "Neues Ding" {
		t.Fatalf("Resolve = %+v", got)
	}
	p := got[1]
	if !p.Unsorted || p.Slug != "neues-ding" || p.ProposedBy == nil || *p.ProposedBy != "Person resolver" {
		t.Fatalf("proposal = %+v", p)
	}
	// Proposing again finds the proposal; a second topic of the same slug gets a suffix.
	again, err := s.Resolve(ctx, []string{"NEUES DING", "Neues-Ding"}, proposer)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 2 || again[0].ID != p.ID || again[1].Slug != "neues-ding-2" {
		t.Fatalf("Resolve again = %+v", again)
	}
	if _, err := s.Resolve(ctx, []string{strings.Repeat("x", 101)}, proposer); !errs.Is(err, errs.Invalid) {
		t.Fatalf("overlong name: %v", err)
	}
	n, err := s.Store.UnsortedCount(ctx)
	if err != nil || n < 2 {
		t.Fatalf("UnsortedCount = %d, %v", n, err)
	}
	if none, err := s.Resolve(ctx, []string{" ", ""}, proposer); err != nil || len(none) != 0 {
		t.Fatalf("empty names: %v %v", none, err)
	}
}

func TestLabelsAreUniqueAcrossTheTree(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	a := mustCreate(t, s, TopicInput{Name: "Datenschutz", Synonyms: []string{"DSGVO"}})
	_, problems, err := s.Create(ctx, km, TopicInput{Name: "dsgvo"})
	if got := problemKey(problems, err); got != "topics.label_taken@name" || problems[0].Code != errs.Conflict || problems[0].Args["Topic"] != "Datenschutz" {
		t.Fatalf("name equal to a synonym: %s %+v", got, problems)
	}
	b := mustCreate(t, s, TopicInput{Name: "Informationssicherheit"})
	if got := problemKey(s.AddSynonym(ctx, km, b, "DATENSCHUTZ")); got != "topics.label_taken@synonym" {
		t.Fatalf("synonym equal to a name: %s", got)
	}
	if got := problemKey(s.Update(ctx, km, b, TopicInput{Name: "Dsgvo"})); got != "topics.label_taken@name" {
		t.Fatalf("rename onto a synonym: %s", got)
	}
	// Renaming onto its own synonym makes the synonym the name; the slug stays.
	if got := problemKey(s.Update(ctx, km, a, TopicInput{Name: "DSGVO", Description: "Schutz personenbezogener Daten."})); got != "" {
		t.Fatalf("rename onto own synonym: %s", got)
	}
	a2, err := s.BySlug(ctx, "datenschutz")
	if err != nil || a2.Name != "DSGVO" || len(a2.Synonyms) != 0 || a2.Description != "Schutz personenbezogener Daten." {
		t.Fatalf("after rename: %+v %v", a2, err)
	}
	// The old name is free again.
	mustCreate(t, s, TopicInput{Name: "Datenschutz", Slug: "datenschutz-neu"})
	if _, problems, err := s.Create(ctx, km, TopicInput{Name: "Etwas", Slug: "datenschutz"}); problemKey(problems, err) != "topics.slug_taken@slug" {
		t.Fatalf("taken slug: %s", problemKey(problems, err))
	}
	if _, problems, err := s.Create(ctx, km, TopicInput{Name: "Etwas", Slug: "verwalten"}); problemKey(problems, err) != "topics.slug_invalid@slug" {
		t.Fatalf("reserved slug: %s", problemKey(problems, err))
	}
	if _, _, err := s.Create(ctx, member, TopicInput{Name: "Etwas"}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("member creates: %v", err)
	}
}

func TestTreeMoveRefusesCycles(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	root := mustCreate(t, s, TopicInput{Name: "Bauwesen"})
	mid := mustCreate(t, s, TopicInput{Name: "Bauordnung", ParentID: &root.ID})
	leaf := mustCreate(t, s, TopicInput{Name: "Abstandsflächen", ParentID: &mid.ID})

	ids, err := s.Descendants(ctx, root.ID)
	slices.Sort(ids)
	if err != nil || !slices.Equal(ids, []int64{root.ID, mid.ID, leaf.ID}) {
		t.Fatalf("Descendants = %v, %v", ids, err)
	}
	anc, err := s.Store.Ancestors(ctx, leaf.ID)
	if err != nil || len(anc) != 2 || anc[0].ID != root.ID || anc[1].ID != mid.ID {
		t.Fatalf("Ancestors = %+v, %v", anc, err)
	}
	if got := problemKey(s.Move(ctx, km, root, &leaf.ID)); got != "topics.cycle@parent" {
		t.Fatalf("move below own descendant: %s", got)
	}
	if got := problemKey(s.Move(ctx, km, root, &root.ID)); got != "topics.cycle@parent" {
		t.Fatalf("move below itself: %s", got)
	}
	missing := int64(1 << 40)
	if got := problemKey(s.Move(ctx, km, root, &missing)); got != "topics.parent_unknown@parent" {
		t.Fatalf("move below a missing topic: %s", got)
	}
	if got := problemKey(s.Move(ctx, km, leaf, nil)); got != "" {
		t.Fatalf("move to the top level: %s", got)
	}
	roots, err := s.Tree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range roots {
		names = append(names, n.Name)
	}
	// German order: Ä sorts with A.
	if i, j := slices.Index(names, "Abstandsflächen"), slices.Index(names, "Bauwesen"); i < 0 || j < 0 || i > j {
		t.Fatalf("roots = %v", names)
	}
}

func TestMergeRepointsEverythingInOneTransaction(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	if _, err := db.Pool.Exec(ctx, `CREATE TABLE test_refs (item int, topic_id bigint NOT NULL REFERENCES topics, PRIMARY KEY (item, topic_id))`); err != nil {
		t.Fatal(err)
	}
	s.RegisterMergeHook(func(ctx context.Context, tx pgx.Tx, from, to int64) error {
		if _, err := tx.Exec(ctx, `INSERT INTO test_refs (item, topic_id) SELECT item, $2 FROM test_refs WHERE topic_id = $1 ON CONFLICT DO NOTHING`, from, to); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM test_refs WHERE topic_id = $1`, from)
		return err
	})
	a := mustCreate(t, s, TopicInput{Name: "E-Akte", Synonyms: []string{"Elektronische Akte"}})
	child := mustCreate(t, s, TopicInput{Name: "Scannen", ParentID: &a.ID})
	b := mustCreate(t, s, TopicInput{Name: "Schriftgutverwaltung"})
	for _, ref := range [][2]int64{{1, a.ID}, {2, a.ID}, {2, b.ID}} {
		if _, err := db.Pool.Exec(ctx, `INSERT INTO test_refs VALUES ($1, $2)`, ref[0], ref[1]); err != nil {
			t.Fatal(err)
		}
	}
	var before int64
	if err := db.Pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM search_outbox`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if got := problemKey(s.Merge(ctx, km, a, b)); got != "" {
		t.Fatalf("merge: %s", got)
	}
	rows, _ := db.Pool.Query(ctx, `SELECT item_id FROM search_outbox WHERE kind = 'topic' AND id > $1 AND item_id = ANY($2) ORDER BY id`,
		before, []int64{a.ID, b.ID, child.ID})
	changed, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || !slices.Equal(changed, []int64{a.ID, b.ID}) {
		t.Fatalf("topics in the search outbox: %v, %v", changed, err)
	}
	got, err := s.BySlug(ctx, a.Slug)
	if err != nil || got.ID != b.ID {
		t.Fatalf("old slug = %+v, %v", got, err)
	}
	if !slices.Equal(got.Synonyms, []string{"E-Akte", "Elektronische Akte"}) {
		t.Fatalf("synonyms = %v", got.Synonyms)
	}
	c, _ := s.Store.ByID(ctx, child.ID)
	if c.ParentID == nil || *c.ParentID != b.ID {
		t.Fatalf("child parent = %v", c.ParentID)
	}
	var refs int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM test_refs WHERE topic_id = $1`, b.ID).Scan(&refs)
	if refs != 2 {
		t.Fatalf("refs on target = %d", refs)
	}
	// A failing hook undoes everything.
	d := mustCreate(t, s, TopicInput{Name: "Posteingang"})
	s.RegisterMergeHook(func(context.Context, pgx.Tx, int64, int64) error { return fmt.Errorf("boom") })
	if _, err := s.Merge(ctx, km, d, b); err == nil {
		t.Fatal("merge with a failing hook succeeded")
	}
	if still, err := s.Store.ByID(ctx, d.ID); err != nil || still.Name != "Posteingang" {
		t.Fatalf("after failed merge: %+v %v", still, err)
	}
	if got := problemKey(s.Merge(ctx, km, b, b)); got != "topics.merge_self@into" {
		t.Fatalf("merge into itself: %s", got)
	}
}

func TestMergeIntoOwnDescendantLiftsIt(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	a := mustCreate(t, s, TopicInput{Name: "Haushalt"})
	mid := mustCreate(t, s, TopicInput{Name: "Haushaltsplanung", ParentID: &a.ID})
	b := mustCreate(t, s, TopicInput{Name: "Haushaltsaufstellung", ParentID: &mid.ID})
	if got := problemKey(s.Merge(ctx, km, a, b)); got != "" {
		t.Fatalf("merge: %s", got)
	}
	b2, _ := s.Store.ByID(ctx, b.ID)
	m2, _ := s.Store.ByID(ctx, mid.ID)
	if b2.ParentID != nil || m2.ParentID == nil || *m2.ParentID != b.ID {
		t.Fatalf("after merge: target parent %v, middle parent %v", b2.ParentID, m2.ParentID)
	}
}

func TestDeleteProposal(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	sorted := mustCreate(t, s, TopicInput{Name: "Personalwesen"})
	if err := s.Delete(ctx, km, sorted); !errs.Is(err, errs.Conflict) {
		t.Fatalf("delete a sorted topic: %v", err)
	}
	list, err := s.Resolve(ctx, []string{"Tippfehlr", "Benutzt"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS test_uses (topic_id bigint REFERENCES topics)`); err != nil {
		t.Fatal(err)
	}
	db.Pool.Exec(ctx, `INSERT INTO test_uses VALUES ($1)`, list[1].ID)
	if err := s.Delete(ctx, km, list[1]); !errs.Is(err, errs.Conflict) {
		t.Fatalf("delete a used proposal: %v", err)
	}
	if err := s.Delete(ctx, km, list[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.ByID(ctx, list[0].ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("deleted proposal still there: %v", err)
	}
}

func TestSuggestAndSynonyms(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	mustCreate(t, s, TopicInput{Name: "Öffentlichkeitsarbeit", Synonyms: []string{"PR", "Pressearbeit"}})
	mustCreate(t, s, TopicInput{Name: "Straßenverkehr"})
	for q, want := range map[string]string{"oeff": "Öffentlichkeitsarbeit", "ÖFF": "Öffentlichkeitsarbeit", "presse": "Öffentlichkeitsarbeit", "strasse": "Straßenverkehr", "straß": "Straßenverkehr"} {
		got, err := s.Suggest(ctx, km, q, 5)
		if err != nil || len(got) == 0 || got[0].Name != want {
			t.Errorf("Suggest(%q) = %+v, %v", q, got, err)
		}
	}
	if got, _ := s.Suggest(ctx, km, "presse", 5); got[0].Synonym != "Pressearbeit" {
		t.Errorf("matched synonym = %q", got[0].Synonym)
	}
	if got, err := s.Suggest(ctx, km, "%", 5); err != nil || len(got) != 0 {
		t.Errorf("Suggest(%%) = %v, %v", got, err)
	}
	syn, err := s.Synonyms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := syn["pr"]; !slices.Contains(got, "öffentlichkeitsarbeit") || !slices.Contains(got, "pressearbeit") {
		t.Fatalf("Synonyms[pr] = %v", got)
	}
}

func TestGlossaryCacheAndGermanOrder(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	other := newService(t) // another process: sees changes only after invalidation
	for _, term := range []string{"Zuwendung", "Ärgernis", "Abgabe", "Ober", "Öffnung", "3-Säulen-Modell", "Straße"} {
		if _, problems, err := s.CreateTerm(ctx, km, GlossaryInput{Term: term, Definition: "Erklärung von " + term, Abbreviations: []string{" Abk ", "", "Abk"}}); err != nil || len(problems) > 0 {
			t.Fatalf("create %s: %v %v", term, problems, err)
		}
	}
	terms, err := s.Terms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range terms {
		names = append(names, g.Term)
	}
	want := []string{"3-Säulen-Modell", "Abgabe", "Ärgernis", "Ober", "Öffnung", "Straße", "Zuwendung"}
	if !slices.Equal(names, want) {
		t.Fatalf("order = %v", names)
	}
	if !slices.Equal(terms[1].Abbreviations, []string{"Abk"}) {
		t.Fatalf("abbreviations = %v", terms[1].Abbreviations)
	}
	groups := byLetter(terms)
	if groups[0].Letter != "#" || groups[1].Letter != "A" || len(groups[1].Terms) != 2 || groups[2].Letter != "O" || len(groups[2].Terms) != 2 {
		t.Fatalf("groups = %+v", groups)
	}
	if _, err := other.Terms(ctx); err != nil {
		t.Fatal(err)
	}
	_, problems, _ := s.CreateTerm(ctx, km, GlossaryInput{Term: "abgabe", Definition: "doppelt"})
	if problemKey(problems, nil) != "glossary.term_taken@term" {
		t.Fatalf("duplicate term: %v", problems)
	}
	g, _ := s.Store.TermBySlug(ctx, "abgabe")
	if got := problemKey(s.UpdateTerm(ctx, km, g, GlossaryInput{Term: "Abgabe", Definition: "Neu erklärt"})); got != "" {
		t.Fatal(got)
	}
	terms, _ = s.Terms(ctx)
	if terms[1].Definition != "Neu erklärt" {
		t.Fatalf("own change not visible: %q", terms[1].Definition)
	}
	stale, _ := other.Terms(ctx)
	if stale[1].Definition == "Neu erklärt" {
		t.Fatal("another process's cache was expected to be stale until notified")
	}
	other.glossary.invalidate() // what ListenGlossary does on NOTIFY
	fresh, _ := other.Terms(ctx)
	if fresh[1].Definition != "Neu erklärt" {
		t.Fatal("invalidated cache did not reload")
	}
	if _, problems, _ := s.CreateTerm(ctx, km, GlossaryInput{Term: "X", Definition: strings.Repeat("a", 2001)}); problemKey(problems, nil) != "form.too_long@definition" {
		t.Fatalf("long definition: %v", problems)
	}
}

// Search proposes the tree's names and synonyms for a query that found
// nothing, but not a proposal's name: it may have been typed on content
// the searcher cannot read.
func TestSearchTermsLeaveOutProposals(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	mustCreate(t, s, TopicInput{Name: "Reisekostenrecht", Synonyms: []string{"BRKG"}})
	if _, err := s.Resolve(ctx, []string{"Geheimprojekt Adler"}, account(t, "terms")); err != nil {
		t.Fatal(err)
	}
	terms, err := s.SearchTerms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(terms, "Reisekostenrecht") || !slices.Contains(terms, "BRKG") {
		t.Errorf("the tree's name or synonym is missing: %q", terms)
	}
	if slices.Contains(terms, "Geheimprojekt Adler") {
		t.Errorf("a proposal is proposed to everyone: %q", terms)
	}
}
