package experts

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/server/postgres"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "experts", &db)) }

// world is a crafted data set: one agency, an open and a private space,
// the topic "Vergaberecht" with the subtopic "Unterschwellenvergabe".
type world struct {
	t                  *testing.T
	ctx                context.Context
	agency, open, priv int64
	topic, sub         int64
	seq                int
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, ctx: context.Background()}
	w.one(`INSERT INTO agencies (slug, name) VALUES ($1, 'Behörde') RETURNING id`, &w.agency, w.name("ag"))
	w.one(`INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Offen', $2, 'organisation') RETURNING id`, &w.open, w.name("open"), w.agency)
	w.one(`INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Privat', $2, 'private') RETURNING id`, &w.priv, w.name("priv"), w.agency)
	w.one(`INSERT INTO topics (slug, name) VALUES ($1, $2) RETURNING id`, &w.topic, w.name("vergaberecht"), "Vergaberecht "+w.name("t"))
	w.one(`INSERT INTO topics (slug, name, parent_id) VALUES ($1, $2, $3) RETURNING id`, &w.sub, w.name("uvgo"), "Unterschwellenvergabe "+w.name("t"), w.topic)
	return w
}

func (w *world) name(prefix string) string {
	w.seq++
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()%1e9, w.seq)
}

func (w *world) one(sql string, into *int64, args ...any) {
	w.t.Helper()
	if err := db.Pool.QueryRow(w.ctx, sql, args...).Scan(into); err != nil {
		w.t.Fatalf("%s: %v", sql, err)
	}
}

func (w *world) exec(sql string, args ...any) {
	w.t.Helper()
	if _, err := db.Pool.Exec(w.ctx, sql, args...); err != nil {
		w.t.Fatalf("%s: %v", sql, err)
	}
}

func (w *world) person(name string, consent bool) int64 {
	var id int64
	h := w.name("p")
	w.one(`INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, $3, $4) RETURNING id`, &id, w.agency, h+"@example.org", name, h)
	w.exec(`UPDATE profiles SET derived_consent = $2 WHERE account_id = $1`, id, consent)
	return id
}

func (w *world) skill(person int64, topic int64, level string, confirmed time.Time) {
	w.exec(`INSERT INTO profile_skills (account_id, topic_id, level, confirmed_at) VALUES ($1, $2, $3, $4)`, person, topic, level, confirmed)
}

// acceptedAnswers gives a person n accepted answers on a topic in a space.
func (w *world) acceptedAnswers(person, topic, space int64, n int, at time.Time) {
	asker := w.person("Fragende Person", false)
	for range n {
		var q, a int64
		w.one(`INSERT INTO questions (space_id, author_id, title, body) VALUES ($1, $2, 'Eine Frage zur Vergabe', '') RETURNING id`, &q, space, asker)
		w.one(`INSERT INTO answers (question_id, author_id, body, created_at) VALUES ($1, $2, 'So geht es.', $3) RETURNING id`, &a, q, person, at)
		w.exec(`UPDATE questions SET accepted_answer_id = $2 WHERE id = $1`, q, a)
		w.exec(`INSERT INTO question_topics (question_id, topic_id) VALUES ($1, $2)`, q, topic)
	}
}

func (w *world) page(owner, topic, space int64) {
	var p int64
	w.one(`INSERT INTO pages (space_id, slug, title, body, owner_id) VALUES ($1, $2, 'Leitfaden', 'Text', $3) RETURNING id`, &p, space, w.name("seite"), owner)
	w.exec(`INSERT INTO page_revisions (page_id, number, title, body, author_id) VALUES ($1, 1, 'Leitfaden', 'Text', $2)`, p, owner)
	w.exec(`INSERT INTO page_topics (page_id, topic_id) VALUES ($1, $2)`, p, topic)
}

func (w *world) rank(readable ...int64) []Expert {
	w.t.Helper()
	list, err := New(db.Pool).Rank(w.ctx, []int64{w.topic, w.sub}, readable, 0, 20)
	if err != nil {
		w.t.Fatal(err)
	}
	return list
}

func names(list []Expert) string {
	var out []string
	for _, e := range list {
		out = append(out, e.Name)
	}
	return strings.Join(out, ", ")
}

func TestRanking(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	declared := w.person("Dora Deklariert", false)
	w.skill(declared, w.topic, "expert", now.AddDate(0, -1, 0))
	strong := w.person("Sven Stark", true)
	w.acceptedAnswers(strong, w.sub, w.open, 3, now.AddDate(0, -2, 0)) // evidence in a subtopic counts
	w.page(strong, w.topic, w.open)
	little := w.person("Lea Wenig", true)
	w.acceptedAnswers(little, w.topic, w.open, 1, now.AddDate(-2, 0, 0)) // one old answer: decayed to 0.8
	basic := w.person("Bert Basis", false)
	w.skill(basic, w.topic, "basic", now.AddDate(-2, 0, 0)) // stale: not confirmed for two years
	silent := w.person("Nina Nichtzugestimmt", false)
	w.acceptedAnswers(silent, w.topic, w.open, 5, now)
	hidden := w.person("Hanna Versteckt", true)
	w.skill(hidden, w.topic, "expert", now)
	w.exec(`UPDATE profiles SET hidden = true WHERE account_id = $1`, hidden)

	got := names(w.rank(w.open, w.priv))
	want := "Sven Stark, Dora Deklariert, Lea Wenig, Bert Basis"
	if got != want {
		t.Fatalf("ranking:\n got %s\nwant %s", got, want)
	}
	list := w.rank(w.open)
	if len(list[0].Evidence) != 2 || list[0].Evidence[0].Kind != "accepted" || list[0].Evidence[0].Count != 3 {
		t.Errorf("evidence of the first: %+v", list[0].Evidence)
	}
	if !list[3].Evidence[0].Stale {
		t.Error("a skill not confirmed for two years is not marked stale")
	}
	for _, e := range list {
		if e.Name == "Nina Nichtzugestimmt" || e.Name == "Hanna Versteckt" {
			t.Errorf("%s must not appear", e.Name)
		}
	}
}

func TestPrivateEvidenceCountsOnlyForReaders(t *testing.T) {
	w := newWorld(t)
	insider := w.person("Ingo Intern", true)
	w.acceptedAnswers(insider, w.topic, w.priv, 2, time.Now())
	if got := names(w.rank(w.open, w.priv)); got != "Ingo Intern" {
		t.Errorf("a reader of the private space: %q", got)
	}
	if got := names(w.rank(w.open)); got != "" {
		t.Errorf("someone who cannot read the private space: %q", got)
	}
}

func TestWithdrawingConsentChangesTheNextResult(t *testing.T) {
	w := newWorld(t)
	p := w.person("Wanda Widerruf", true)
	w.page(p, w.topic, w.open)
	if got := names(w.rank(w.open)); got != "Wanda Widerruf" {
		t.Fatalf("with consent: %q", got)
	}
	w.exec(`UPDATE profiles SET derived_consent = false WHERE account_id = $1`, p)
	if got := names(w.rank(w.open)); got != "" {
		t.Fatalf("after withdrawing consent: %q", got)
	}
	// A hidden derived topic counts no more either.
	w.exec(`UPDATE profiles SET derived_consent = true WHERE account_id = $1`, p)
	w.exec(`INSERT INTO hidden_derived_topics (account_id, topic_id) VALUES ($1, $2)`, p, w.topic)
	if got := names(w.rank(w.open)); got != "" {
		t.Fatalf("with the topic hidden: %q", got)
	}
	preview, err := New(db.Pool).DerivedTopics(w.ctx, p)
	if err != nil || len(preview) != 1 || !preview[0].Hidden {
		t.Fatalf("preview: %+v %v", preview, err)
	}
}

// A searcher finds the people of their own agency, whose profiles they may
// open; admins, who see every profile, find everyone.
func TestExpertsComeFromTheSearchersAgency(t *testing.T) {
	w := newWorld(t)
	here := w.person("Hier Kundig", false)
	w.skill(here, w.topic, "expert", time.Now())
	var other int64
	w.one(`INSERT INTO agencies (slug, name) VALUES ($1, 'Andere Behörde') RETURNING id`, &other, w.name("ag"))
	there := w.person("Dort Kundig", false)
	w.exec(`UPDATE accounts SET agency_id = $2 WHERE id = $1`, there, other)
	w.skill(there, w.topic, "expert", time.Now())

	rank := func(agency int64) string {
		list, err := New(db.Pool).Rank(w.ctx, []int64{w.topic}, nil, agency, 20)
		if err != nil {
			t.Fatal(err)
		}
		return names(list)
	}
	if got := rank(w.agency); got != "Hier Kundig" {
		t.Errorf("the agency's own search: %q", got)
	}
	if got := rank(0); got != "Dort Kundig, Hier Kundig" && got != "Hier Kundig, Dort Kundig" {
		t.Errorf("an admin's search: %q", got)
	}
}

// Evidence says how much, never when: not the time of a person's last
// answer, page or confirmation.
func TestEvidenceCarriesNoTime(t *testing.T) {
	raw, err := json.Marshal(Evidence{Kind: "answer", Count: 2, Topic: "Vergabe", Last: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	json.Unmarshal(raw, &out)
	for key, v := range out {
		if _, err := time.Parse(time.RFC3339, fmt.Sprint(v)); err == nil {
			t.Errorf("evidence carries a time in %q: %v", key, v)
		}
	}
	if out["count"] != float64(2) {
		t.Errorf("evidence %s lacks the count", raw)
	}
}
