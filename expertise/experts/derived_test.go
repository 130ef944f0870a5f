package experts

import (
	"fmt"
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
	w := newWorld(t)
	now := time.Now()
	anna := w.person("Anna Autorin", true)
	bernd := w.person("Bernd Beitrag", true)
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
