package experts

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// evidenceOf lists a person's evidence as "kind topic count", in the order
// the page shows it.
func evidenceOf(list []Expert, id int64) []string {
	var out []string
	for _, e := range list {
		if e.AccountID == id {
			for _, ev := range e.Evidence {
				out = append(out, fmt.Sprintf("%s %s %d", ev.Kind, ev.Topic, ev.Count))
			}
		}
	}
	return out
}

func (w *world) topicName(id int64) string {
	var name string
	if err := db.Pool.QueryRow(w.ctx, `SELECT name FROM topics WHERE id = $1`, id).Scan(&name); err != nil {
		w.t.Fatal(err)
	}
	return name
}

// A page counts once for each person who wrote a revision of it or owns
// it, however many revisions they wrote, once in each of its topics; a
// template and a page in a space the searcher cannot read do not count.
// An answer counts when accepted or rated above zero.
func TestDerivedEvidenceCountsEachItemOnce(t *testing.T) {
	w, anna, bernd := derivedWorld(t)
	topic, sub := w.topicName(w.topic), w.topicName(w.sub)
	list := w.rank(w.open)
	want := map[int64][]string{
		anna:  {"page " + sub + " 1", "page " + topic + " 2"},
		bernd: {"accepted " + topic + " 2", "answer " + sub + " 1", "answer " + topic + " 1", "page " + topic + " 1"},
	}
	for id, evidence := range want {
		if got := evidenceOf(list, id); fmt.Sprint(got) != fmt.Sprint(evidence) {
			t.Errorf("evidence of %d:\n got %q\nwant %q", id, got, evidence)
		}
	}
	if got := evidenceOf(w.rank(w.open, w.priv), bernd); len(got) != 5 || got[3] != "page "+sub+" 1" {
		t.Errorf("with the private space readable: %q", got)
	}
}

// A profile shows the same evidence of its person as the ranking counts,
// found from the person rather than from the topics; their own preview
// counts every space.
func TestProfileShowsWhatTheRankingCounts(t *testing.T) {
	w, anna, bernd := derivedWorld(t)
	r := New(db.Pool)
	for _, readable := range [][]int64{{w.open}, {w.open, w.priv}} {
		list := w.rank(readable...)
		for _, id := range []int64{anna, bernd} {
			evidence, err := r.Profile(w.ctx, id, readable)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]string, len(evidence))
			for i, ev := range evidence {
				got[i] = fmt.Sprintf("%s %s %d", ev.Kind, ev.Topic, ev.Count)
			}
			if want := evidenceOf(list, id); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("profile of %d, spaces %v:\n got %q\nwant %q", id, readable, got, want)
			}
		}
	}
	preview, err := r.DerivedTopics(w.ctx, bernd)
	if err != nil || len(preview) != 2 {
		t.Fatalf("preview: %+v %v", preview, err)
	}
	var kinds []string
	for _, ev := range preview[0].Evidence {
		kinds = append(kinds, fmt.Sprintf("%s %d", ev.Kind, ev.Count))
	}
	if sort.Strings(kinds); fmt.Sprint(kinds) != "[answer 1 page 1]" {
		t.Errorf("the preview of the subtopic counts the private page and no template: %q", kinds)
	}
	w.exec(`UPDATE profiles SET derived_consent = false WHERE account_id = $1`, anna)
	if evidence, err := r.Profile(w.ctx, anna, []int64{w.open}); err != nil || len(evidence) != 0 {
		t.Errorf("profile without consent: %+v %v", evidence, err)
	}
}

// derivedWorld: Anna owns a page with two revisions of hers and one of
// Bernd's, and wrote a page without owner in both topics; Bernd owns a
// template and a page in the private space, has two accepted answers and
// one rated answer on a question in both topics, which Anna asked and
// answered without a rating.
func derivedWorld(t *testing.T) (w *world, anna, bernd int64) {
	w = newWorld(t)
	now := time.Now()
	anna = w.person("Anna Autorin", true)
	bernd = w.person("Bernd Beitrag", true)
	var p int64
	w.one(`INSERT INTO pages (space_id, slug, title, body, owner_id) VALUES ($1, $2, 'Leitfaden', 'Text', $3) RETURNING id`, &p, w.open, w.name("seite"), anna)
	for i, author := range []int64{anna, anna, bernd} {
		w.exec(`INSERT INTO page_revisions (page_id, number, title, body, author_id) VALUES ($1, $2, 'Leitfaden', 'Text', $3)`, p, i+1, author)
	}
	w.exec(`INSERT INTO page_topics (page_id, topic_id) VALUES ($1, $2)`, p, w.topic)
	// A page without an owner, in both topics.
	w.one(`INSERT INTO pages (space_id, slug, title, body) VALUES ($1, $2, 'Checkliste', 'Text') RETURNING id`, &p, w.open, w.name("seite"))
	w.exec(`INSERT INTO page_revisions (page_id, number, title, body, author_id) VALUES ($1, 1, 'Checkliste', 'Text', $2)`, p, anna)
	w.exec(`INSERT INTO page_topics (page_id, topic_id) VALUES ($1, $2), ($1, $3)`, p, w.topic, w.sub)
	w.one(`INSERT INTO pages (space_id, slug, title, body, owner_id, is_template) VALUES ($1, $2, 'Vorlage', 'Text', $3, true) RETURNING id`, &p, w.open, w.name("seite"), bernd)
	w.exec(`INSERT INTO page_topics (page_id, topic_id) VALUES ($1, $2)`, p, w.sub)
	w.page(bernd, w.sub, w.priv)
	w.acceptedAnswers(bernd, w.topic, w.open, 2, now)
	var q, a int64
	w.one(`INSERT INTO questions (space_id, author_id, title, body) VALUES ($1, $2, 'Noch eine Frage', '') RETURNING id`, &q, w.open, anna)
	w.exec(`INSERT INTO question_topics (question_id, topic_id) VALUES ($1, $2), ($1, $3)`, q, w.topic, w.sub)
	w.one(`INSERT INTO answers (question_id, author_id, body, score) VALUES ($1, $2, 'Gut.', 2) RETURNING id`, &a, q, bernd)
	w.exec(`INSERT INTO answers (question_id, author_id, body, score) VALUES ($1, $2, 'Nichts.', 0)`, q, anna)
	return w, anna, bernd
}

// PostgreSQL plans a prepared statement once for all parameters after a
// few runs; the ranking must come out the same with that plan.
func TestRankingWithGenericPlans(t *testing.T) {
	w := newWorld(t)
	strong := w.person("Sven Stark", true)
	w.acceptedAnswers(strong, w.sub, w.open, 3, time.Now().AddDate(0, -2, 0))
	w.page(strong, w.topic, w.open)
	little := w.person("Lea Wenig", true)
	w.acceptedAnswers(little, w.topic, w.priv, 1, time.Now().AddDate(-2, 0, 0))
	cfg := db.Pool.Config()
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(w.ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for range 3 {
		list, err := New(pool).Rank(w.ctx, []int64{w.topic, w.sub}, []int64{w.open}, w.agency, 20)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(list); got != "Sven Stark" {
			t.Fatalf("with the generic plan: %q", got)
		}
		if got := evidenceOf(list, strong); len(got) != 2 {
			t.Fatalf("evidence with the generic plan: %q", got)
		}
	}
}

// Unit members, declared skills and derived evidence come together in one
// ranking, each kind as much as before.
func TestRankingWithUnitsSkillsAndEvidence(t *testing.T) {
	w := newWorld(t)
	var unit int64
	w.one(`INSERT INTO org_units (agency_id, name) VALUES ($1, $2) RETURNING id`, &unit, w.agency, "Beschaffung "+w.name("u"))
	member := w.person("Mia Mitglied", false)
	w.exec(`UPDATE profiles SET org_unit_id = $2 WHERE account_id = $1`, member, unit)
	declared := w.person("Dora Deklariert", false)
	w.skill(declared, w.topic, "advanced", time.Now())
	writer := w.person("Sven Schreiber", true)
	w.page(writer, w.topic, w.open)
	list, err := New(db.Pool).RankWithUnits(w.ctx, []int64{w.topic}, []int64{unit}, []int64{w.open}, w.agency, 20)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(list); got != "Dora Deklariert, Sven Schreiber, Mia Mitglied" {
		t.Fatalf("ranking: %q", got)
	}
	for i, kind := range []string{"skill", "page", "unit"} {
		if ev := list[i].Evidence; len(ev) != 1 || ev[0].Kind != kind {
			t.Errorf("evidence of %s: %+v", list[i].Name, ev)
		}
	}
}

// The topics a person may hide from the ranking are those it derives from
// their work: a template they wrote offers none.
func TestPreviewOffersNoTopicOfATemplate(t *testing.T) {
	w := newWorld(t)
	carla := w.person("Carla Dritte", true)
	var p int64
	w.one(`INSERT INTO pages (space_id, slug, title, body, owner_id, is_template) VALUES ($1, $2, 'Vorlage', 'Text', $3, true) RETURNING id`, &p, w.open, w.name("vorlage"), carla)
	w.exec(`INSERT INTO page_topics (page_id, topic_id) VALUES ($1, $2)`, p, w.topic)
	w.exec(`INSERT INTO page_revisions (page_id, number, title, body, author_id) VALUES ($1, 1, 'Vorlage', 'Text', $2)`, p, carla)
	preview, err := New(db.Pool).DerivedTopics(w.ctx, carla)
	if err != nil || len(preview) != 0 {
		t.Fatalf("preview of a template's author: %+v %v", preview, err)
	}
}
