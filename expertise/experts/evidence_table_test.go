package experts

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The evidence items as they were found before evidence_items held them,
// by joining questions, answers, pages and revisions on every request: the
// reference the table must agree with.
const (
	joinedTopicItems = `
		WITH items AS (
			SELECT x.author_id AS account, qt.topic_id,
			       CASE WHEN q.accepted_answer_id = x.id THEN 'accepted' ELSE 'answer' END AS kind, x.created_at AS at
			FROM question_topics qt
			CROSS JOIN LATERAL (SELECT q.id, q.accepted_answer_id FROM questions q
			                    WHERE q.id = qt.question_id AND q.space_id = ANY($2) OFFSET 0) q
			CROSS JOIN LATERAL (SELECT x.id, x.author_id, x.created_at FROM answers x
			                    WHERE x.question_id = q.id AND (q.accepted_answer_id = x.id OR x.score > 0) OFFSET 0) x
			WHERE qt.topic_id = ANY($1)
			UNION ALL
			SELECT w.account, pt.topic_id, 'page', pg.updated_at
			FROM page_topics pt
			CROSS JOIN LATERAL (SELECT pg.id, pg.owner_id, pg.updated_at FROM pages pg
			                    WHERE pg.id = pt.page_id AND pg.space_id = ANY($2) AND NOT pg.is_template OFFSET 0) pg
			CROSS JOIN LATERAL (SELECT author_id FROM page_revisions WHERE page_id = pg.id
			                    UNION SELECT pg.owner_id) w(account)
			WHERE pt.topic_id = ANY($1) AND w.account IS NOT NULL
		)`
	joinedPersonItems = `
		WITH mine AS MATERIALIZED (
			SELECT id FROM pages WHERE owner_id = $4
			UNION SELECT page_id FROM page_revisions WHERE author_id = $4
		), items AS (
			SELECT x.author_id AS account, qt.topic_id,
			       CASE WHEN q.accepted_answer_id = x.id THEN 'accepted' ELSE 'answer' END AS kind, x.created_at AS at
			FROM answers x
			CROSS JOIN LATERAL (SELECT q.id, q.accepted_answer_id FROM questions q
			                    WHERE q.id = x.question_id AND q.space_id = ANY($2) OFFSET 0) q
			CROSS JOIN LATERAL (SELECT qt.topic_id FROM question_topics qt
			                    WHERE qt.question_id = q.id AND qt.topic_id = ANY($1) OFFSET 0) qt
			WHERE x.author_id = $4 AND (q.accepted_answer_id = x.id OR x.score > 0)
			UNION ALL
			SELECT $4, pt.topic_id, 'page', pg.updated_at
			FROM mine
			CROSS JOIN LATERAL (SELECT pg.id, pg.updated_at FROM pages pg
			                    WHERE pg.id = mine.id AND pg.space_id = ANY($2) AND NOT pg.is_template OFFSET 0) pg
			CROSS JOIN LATERAL (SELECT pt.topic_id FROM page_topics pt
			                    WHERE pt.page_id = pg.id AND pt.topic_id = ANY($1) OFFSET 0) pt
		)`
	joinedSum = `
		SELECT i.account, t.name, i.kind, count(*), max(i.at),
		       sum(power(0.5, extract(epoch FROM now() - i.at) / 86400 / 30.44 / $3))
		FROM items i JOIN accounts a ON a.id = i.account JOIN profiles p ON p.account_id = a.id
		JOIN topics t ON t.id = i.topic_id
		WHERE NOT EXISTS (SELECT 1 FROM hidden_derived_topics h WHERE h.account_id = i.account AND h.topic_id = i.topic_id)
		  AND a.disabled_at IS NULL AND p.left_at IS NULL`
	joinedGroup = `
		GROUP BY i.account, t.name, i.kind`
	joinedConsentingEvidence = joinedTopicItems + joinedSum + `
		  AND p.derived_consent AND NOT p.hidden AND ($4::bigint = 0 OR a.agency_id = $4)` + joinedGroup
	joinedPersonEvidence = joinedPersonItems + joinedSum + `
		  AND a.id = $4` + joinedGroup
)

// evidenceWorld is derivedWorld with more people and spaces: Carl has not
// consented, Dora hid the subtopic, and a third space is readable to
// nobody in the comparisons.
type evidenceWorld struct {
	*world
	anna, bernd, carl, dora int64
	other                   int64
	people                  []int64
}

// compare runs the ranking's queries on the table and on the joins, in one
// transaction so that now() is the same, for every combination of
// readable spaces, agency and person, and fails on any difference.
func (e *evidenceWorld) compare(step string) {
	e.t.Helper()
	tx, err := db.Pool.Begin(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	defer tx.Rollback(e.ctx) //nolint:errcheck // read only
	topics := []int64{e.topic, e.sub}
	var all []int64
	rows, _ := tx.Query(e.ctx, `SELECT id FROM topics`)
	if all, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		e.t.Fatal(err)
	}
	query := func(sql string, topics, readable []int64, whose int64) []derivedRow {
		rows, err := tx.Query(e.ctx, sql, topics, readable, halfLifeMonths, whose)
		if err != nil {
			e.t.Fatal(err)
		}
		list, err := scanEvidence(rows)
		if err != nil {
			e.t.Fatal(err)
		}
		return list
	}
	for _, readable := range [][]int64{{e.open}, {e.open, e.priv}, {e.open, e.priv, e.other}, {e.other}} {
		for _, agency := range []int64{0, e.agency} {
			e.same(step, fmt.Sprintf("ranking %v %d", readable, agency),
				query(consentingEvidence, topics, readable, agency), query(joinedConsentingEvidence, topics, readable, agency))
		}
		for _, person := range e.people {
			e.same(step, fmt.Sprintf("person %d %v", person, readable),
				query(personEvidence, all, readable, person), query(joinedPersonEvidence, all, readable, person))
		}
	}
	// The table itself holds exactly the items the joins find, before
	// anyone's consent, hidden topics or readable spaces are applied.
	spaces := []int64{e.open, e.priv, e.other}
	var table, joined []string
	for sql, into := range map[string]*[]string{
		`SELECT account_id, topic_id, kind, at FROM evidence_items WHERE topic_id = ANY($1) AND space_id = ANY($2)`: &table,
		joinedTopicItems + ` SELECT i.account, i.topic_id, i.kind, i.at FROM items i WHERE i.account IS NOT NULL`:   &joined,
	} {
		rows, _ := tx.Query(e.ctx, sql, all, spaces)
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
			var account, topic int64
			var kind string
			var at time.Time
			err := r.Scan(&account, &topic, &kind, &at)
			return fmt.Sprintf("%d %d %s %s", account, topic, kind, at.UTC().Format(time.RFC3339Nano)), err
		})
		if err != nil {
			e.t.Fatal(err)
		}
		slices.Sort(list)
		*into = list
	}
	if !slices.Equal(table, joined) {
		e.t.Errorf("%s: evidence_items\n  %s\nthe joins\n  %s", step, strings.Join(table, "\n  "), strings.Join(joined, "\n  "))
	}
}

func (e *evidenceWorld) same(step, what string, got, want []derivedRow) {
	e.t.Helper()
	key := func(d derivedRow) string {
		return fmt.Sprintf("%d %s %s %d %s", d.account, d.Topic, d.Kind, d.Count, d.Last.UTC().Format(time.RFC3339Nano))
	}
	sortRows := func(list []derivedRow) {
		slices.SortFunc(list, func(a, b derivedRow) int { return strings.Compare(key(a), key(b)) })
	}
	sortRows(got)
	sortRows(want)
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		// The decayed sums may add up in another order.
		ok = key(got[i]) == key(want[i]) && math.Abs(got[i].weight-want[i].weight) <= 1e-9*math.Max(1, want[i].weight)
	}
	if !ok {
		e.t.Errorf("%s, %s:\n got %+v\nwant %+v", step, what, got, want)
	}
}

// The ranking, the profile and the preview read evidence_items, which the
// database keeps up to date itself; after every kind of change to what it
// is made of, it gives exactly what joining the content on every request
// gave.
func TestEvidenceTableAgreesWithTheJoins(t *testing.T) {
	w, anna, bernd := derivedWorld(t)
	e := &evidenceWorld{world: w, anna: anna, bernd: bernd}
	e.carl = w.person("Carl Ohne", false)
	e.dora = w.person("Dora Verbirgt", true)
	e.people = []int64{anna, bernd, e.carl, e.dora}
	w.one(`INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Andere', $2, 'private') RETURNING id`, &e.other, w.name("other"), w.agency)
	w.exec(`INSERT INTO hidden_derived_topics (account_id, topic_id) VALUES ($1, $2)`, e.dora, w.sub)
	now := time.Now()
	w.acceptedAnswers(e.carl, w.topic, w.open, 1, now.AddDate(0, -3, 0))
	w.acceptedAnswers(e.dora, w.sub, w.open, 2, now.AddDate(-1, 0, 0))
	w.acceptedAnswers(e.dora, w.topic, e.other, 1, now)
	var q, qa, qb, p int64
	w.one(`INSERT INTO questions (space_id, author_id, title, body) VALUES ($1, $2, 'Frage mit Stimmen', '') RETURNING id`, &q, w.open, e.carl)
	w.exec(`INSERT INTO question_topics (question_id, topic_id) VALUES ($1, $2), ($1, $3)`, q, w.topic, w.sub)
	w.one(`INSERT INTO answers (question_id, author_id, body, score, created_at) VALUES ($1, $2, 'Erste.', 3, $3) RETURNING id`, &qa, q, e.dora, now.AddDate(0, -7, 0))
	w.one(`INSERT INTO answers (question_id, author_id, body, score) VALUES ($1, $2, 'Zweite.', 0) RETURNING id`, &qb, q, anna)
	w.exec(`UPDATE questions SET accepted_answer_id = $2 WHERE id = $1`, q, qb)
	// A page owned by Carl and written by Anna, Bernd and Dora, several
	// revisions each.
	w.one(`INSERT INTO pages (space_id, slug, title, body, owner_id, updated_at) VALUES ($1, $2, 'Handbuch', 'Text', $3, $4) RETURNING id`, &p, w.open, w.name("seite"), e.carl, now.AddDate(0, -4, 0))
	for i, author := range []int64{anna, bernd, anna, e.dora, bernd} {
		w.exec(`INSERT INTO page_revisions (page_id, number, title, body, author_id) VALUES ($1, $2, 'Handbuch', 'Text', $3)`, p, i+1, author)
	}
	w.exec(`INSERT INTO page_topics (page_id, topic_id) VALUES ($1, $2), ($1, $3)`, p, w.topic, w.sub)
	var items int64
	w.one(`SELECT count(*) FROM evidence_items WHERE space_id = ANY($1)`, &items, []int64{w.open, w.priv, e.other})
	if items < 20 {
		t.Fatalf("only %d evidence items: the comparison would prove little", items)
	}
	e.compare("the data")

	steps := []struct {
		name string
		sql  string
		args []any
	}{
		{"an answer unaccepted", `UPDATE questions SET accepted_answer_id = NULL WHERE id = $1`, []any{q}},
		{"the other answer accepted", `UPDATE questions SET accepted_answer_id = $2 WHERE id = $1`, []any{q, qa}},
		{"a score down to zero", `UPDATE answers SET score = 0 WHERE author_id = $1 AND score > 0`, []any{bernd}},
		{"a score up", `UPDATE answers SET score = 1 WHERE id = $1`, []any{qb}},
		{"an answer edited", `UPDATE answers SET body = 'Erste, ergänzt.', updated_at = now() WHERE id = $1`, []any{qa}},
		{"consent withdrawn", `UPDATE profiles SET derived_consent = false WHERE account_id = $1`, []any{anna}},
		{"a topic hidden", `INSERT INTO hidden_derived_topics (account_id, topic_id) VALUES ($1, $2)`, []any{bernd, w.topic}},
		{"a page made a template", `UPDATE pages SET is_template = true WHERE id = $1`, []any{p}},
		{"a template made a page", `UPDATE pages SET is_template = NOT is_template WHERE owner_id = $1`, []any{bernd}},
		{"the page back from template", `UPDATE pages SET is_template = false WHERE id = $1`, []any{p}},
		{"an owner changed", `UPDATE pages SET owner_id = $2 WHERE id = $1`, []any{p, bernd}},
		{"a new revision by someone new", `INSERT INTO page_revisions (page_id, number, title, body, author_id) VALUES ($1, 6, 'Handbuch', 'Text', $2)`, []any{p, e.carl}},
		{"the page saved", `UPDATE pages SET updated_at = now() - interval '2 days', revision = 6 WHERE id = $1`, []any{p}},
		{"a revision's author forgotten", `UPDATE page_revisions SET author_id = NULL WHERE page_id = $1 AND author_id = $2`, []any{p, e.dora}},
		{"a revision purged", `UPDATE page_revisions SET purged_at = now(), body = '' WHERE page_id = $1 AND number = 1`, []any{p}},
		{"a page moved to another space", `UPDATE pages SET space_id = $2 WHERE id = $1`, []any{p, e.other}},
		{"a question moved to another space", `UPDATE questions SET space_id = $2 WHERE id = $1`, []any{q, w.priv}},
		{"a page's topic removed", `DELETE FROM page_topics WHERE page_id = $1 AND topic_id = $2`, []any{p, w.sub}},
		{"a question's topic removed", `DELETE FROM question_topics WHERE question_id = $1 AND topic_id = $2`, []any{q, w.sub}},
		{"a topic merged", `UPDATE question_topics SET topic_id = $2 WHERE question_id = $1 AND topic_id = $3`, []any{q, w.sub, w.topic}},
		{"an answer moved", `UPDATE answers SET question_id = (SELECT min(question_id) FROM answers WHERE author_id = $2) WHERE id = $1`, []any{qb, e.dora}},
		{"an account disabled", `UPDATE accounts SET disabled_at = now() WHERE id = $1`, []any{e.carl}},
		{"an accepted answer deleted", `DELETE FROM answers WHERE id = $1`, []any{qa}},
		{"a page deleted", `DELETE FROM pages WHERE id = $1`, []any{p}},
		{"a question deleted", `DELETE FROM questions WHERE id = $1`, []any{q}},
		{"an account erased", `DELETE FROM accounts WHERE id = $1`, []any{bernd}},
		{"a space deleted", `DELETE FROM spaces WHERE id = $1`, []any{w.priv}},
	}
	for _, s := range steps {
		w.exec(s.sql, s.args...)
		e.compare(s.name)
	}
	var left int
	if err := db.Pool.QueryRow(w.ctx, `SELECT count(*) FROM evidence_items WHERE account_id = $1`, bernd).Scan(&left); err != nil || left != 0 {
		t.Errorf("rows of the erased account: %d %v", left, err)
	}
}

// Two transactions changing different inputs of one page at once, a new
// revision and a new topic, leave the rows both changes make: the second
// recomputation waits for the first and reads what it committed.
func TestEvidenceOfConcurrentChanges(t *testing.T) {
	w := newWorld(t)
	e := &evidenceWorld{world: w}
	e.anna = w.person("Anna Erste", true)
	e.bernd = w.person("Bernd Zweiter", true)
	e.people = []int64{e.anna, e.bernd}
	w.one(`INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Andere', $2, 'private') RETURNING id`, &e.other, w.name("other"), w.agency)
	var p int64
	w.one(`INSERT INTO pages (space_id, slug, title, body, owner_id) VALUES ($1, $2, 'Leitfaden', 'Text', $3) RETURNING id`, &p, w.open, w.name("seite"), e.anna)
	w.exec(`INSERT INTO page_topics (page_id, topic_id) VALUES ($1, $2)`, p, w.topic)

	first, err := db.Pool.Begin(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback(w.ctx) //nolint:errcheck // committed below
	if _, err := first.Exec(w.ctx, `INSERT INTO page_revisions (page_id, number, title, body, author_id) VALUES ($1, 1, 'Leitfaden', 'Text', $2)`, p, e.bernd); err != nil {
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() {
		second <- pgx.BeginFunc(w.ctx, db.Pool, func(tx pgx.Tx) error {
			_, err := tx.Exec(w.ctx, `INSERT INTO page_topics (page_id, topic_id) VALUES ($1, $2)`, p, w.sub)
			return err
		})
	}()
	// The second transaction's recomputation now waits for the first.
	time.Sleep(300 * time.Millisecond)
	if err := first.Commit(w.ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	var rows int64
	w.one(`SELECT count(*) FROM evidence_items WHERE page_id = $1`, &rows, p)
	if rows != 4 {
		t.Errorf("%d rows for two people in two topics", rows)
	}
	e.compare("after both")
}

// A writer that changes two pages one statement at a time (a subtree
// moved page by page) and a save of the second page meanwhile both
// finish: recomputing a page's evidence waits only for that page. With a
// lock per bucket of ids, pages 256 apart shared one, the save waited for
// the mover's bucket while holding its page, and the mover then waited
// for that page: PostgreSQL ended one of them as a deadlock.
func TestEvidenceOfTwoPagesWritten(t *testing.T) {
	w := newWorld(t)
	anna := w.person("Anna Erste", true)
	var first, second int64
	w.one(`INSERT INTO pages (space_id, slug, title, body, owner_id) VALUES ($1, $2, 'Eins', 'Text', $3) RETURNING id`, &first, w.open, w.name("eins"), anna)
	w.one(`INSERT INTO pages (id, space_id, slug, title, body, owner_id) OVERRIDING SYSTEM VALUE
		VALUES ($1, $2, $3, 'Zwei', 'Text', $4) RETURNING id`, &second, first+256, w.open, w.name("zwei"), anna)
	for _, p := range []int64{first, second} {
		w.exec(`INSERT INTO page_topics (page_id, topic_id) VALUES ($1, $2)`, p, w.topic)
	}

	mover, err := db.Pool.Begin(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer mover.Rollback(w.ctx) //nolint:errcheck // committed below
	if _, err := mover.Exec(w.ctx, `UPDATE pages SET updated_at = now() WHERE id = $1`, first); err != nil {
		t.Fatal(err)
	}
	locked := make(chan struct{})
	saved := make(chan error, 1)
	go func() {
		saved <- pgx.BeginFunc(w.ctx, db.Pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(w.ctx, `SELECT 1 FROM pages WHERE id = $1 FOR UPDATE`, second); err != nil {
				return err
			}
			close(locked)
			_, err := tx.Exec(w.ctx, `INSERT INTO page_revisions (page_id, number, title, body, author_id) VALUES ($1, 1, 'Zwei', 'Text', $2)`, second, anna)
			return err
		})
	}()
	<-locked
	time.Sleep(200 * time.Millisecond) // the save's recomputation runs or waits now
	if _, err := mover.Exec(w.ctx, `UPDATE pages SET updated_at = now() WHERE id = $1`, second); err != nil {
		t.Fatalf("the mover's second page: %v", err)
	}
	if err := mover.Commit(w.ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-saved; err != nil {
		t.Fatalf("the save: %v", err)
	}
	var rows int64
	w.one(`SELECT count(*) FROM evidence_items WHERE page_id = ANY($1)`, &rows, []int64{first, second})
	if rows != 2 {
		t.Errorf("%d evidence rows for two pages of one person in one topic", rows)
	}
}
