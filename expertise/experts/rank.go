// Package experts answers "Wer kennt sich aus mit …?": people ranked by
// the skills they declared and, only where they opted in, by what they
// demonstrably did — accepted and well-rated answers, pages they wrote or
// maintain — in the topic and the topics below it. It follows the document
// model of Balog et al. (2006): a person's expertise is the sum of their
// associations with documents on the topic, here weighted by kind, decayed
// by age and capped, so that volume alone does not win.
package experts

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Weights and limits of the ranking. A declared expert outranks a person
// with a little evidence; strong evidence outranks a mere "basic".
const (
	halfLifeMonths   = 18.0
	evidenceCap      = 6.0 // the most evidence can add, however much there is
	staleAfterMonths = 12.0
	weightAccepted   = 2.0
	weightGoodAnswer = 1.0
	weightPage       = 1.5
	weightUnit       = 1.0
)

var levelWeight = map[string]float64{"basic": 1, "advanced": 2.5, "expert": 4}

// Evidence is one kind of evidence of a person in the searched topics, in
// the form the page says it in words.
type Evidence struct {
	Kind  string `json:"kind"` // "skill", "unit", "accepted", "answer", "page"
	Count int    `json:"count"`
	Topic string `json:"topic"`           // for "unit": the unit's name
	Level string `json:"level,omitempty"` // for "skill"
	// Last is when the newest piece of evidence came about, for ranking
	// only: nobody is shown when a colleague last answered or confirmed.
	Last  time.Time `json:"-"`
	Stale bool      `json:"stale,omitempty"` // a skill not confirmed for a year
}

// Expert is one person in the ranking; the ranking's numbers stay inside.
type Expert struct {
	AccountID int64      `json:"-"`
	Handle    string     `json:"handle"`
	Name      string     `json:"name"`
	Position  string     `json:"position"`
	Unit      string     `json:"unit"`
	Evidence  []Evidence `json:"evidence"`
	score     float64
}

// Ranker computes rankings from PostgreSQL, live, so that a withdrawn
// consent or a hidden profile counts from the next query on.
type Ranker struct{ pool *pgxpool.Pool }

// New returns a ranker.
func New(pool *pgxpool.Pool) *Ranker { return &Ranker{pool: pool} }

// Rank lists the experts for the topics (each with its subtopics already
// included by the caller), with evidence only from the readable spaces.
// agencyID limits the people to that agency, the searcher's phone book
// (whose profiles they may open); 0 means every agency, for admins.
func (r *Ranker) Rank(ctx context.Context, topicIDs, readable []int64, agencyID int64, limit int) ([]Expert, error) {
	return r.RankWithUnits(ctx, topicIDs, nil, readable, agencyID, limit)
}

// RankWithUnits is Rank that also counts working in one of the units
// (each with the units below it already included by the caller) as
// evidence, as much as a basic skill: "Beschaffung" finds the people of
// "Haushalt und Beschaffung".
func (r *Ranker) RankWithUnits(ctx context.Context, topicIDs, unitIDs, readable []int64, agencyID int64, limit int) ([]Expert, error) {
	if len(topicIDs) == 0 && len(unitIDs) == 0 {
		return nil, nil
	}
	people := map[int64]*Expert{}
	now := time.Now()
	add := func(id int64, ev Evidence, score float64) {
		e := people[id]
		if e == nil {
			e = &Expert{AccountID: id}
			people[id] = e
		}
		e.Evidence = append(e.Evidence, ev)
		e.score += score
	}
	// Skills, unit members and derived evidence are asked for in one
	// round trip, and added in that order.
	batch := &pgx.Batch{}
	// Declared skills count for everyone with a visible profile. Each
	// skill's person is looked up (OFFSET 0 keeps it so), rather than every
	// person of the agency gathered first.
	batch.Queue(`SELECT s.account_id, t.name, s.level, s.confirmed_at
		FROM profile_skills s JOIN topics t ON t.id = s.topic_id
		CROSS JOIN LATERAL (SELECT FROM accounts a JOIN profiles p ON p.account_id = a.id
		                    WHERE a.id = s.account_id AND a.disabled_at IS NULL AND NOT p.hidden AND p.left_at IS NULL
		                      AND ($2::bigint = 0 OR a.agency_id = $2) OFFSET 0) visible
		WHERE s.topic_id = ANY($1)`, topicIDs, agencyID).Query(func(rows pgx.Rows) error {
		err := forEach(rows, func(id int64, topic, level string, confirmed time.Time) {
			stale := months(now.Sub(confirmed)) > staleAfterMonths
			w := levelWeight[level]
			if stale {
				w /= 2
			}
			add(id, Evidence{Kind: "skill", Count: 1, Topic: topic, Level: level, Last: confirmed, Stale: stale}, w)
		})
		if err != nil {
			return fmt.Errorf("declared skills: %w", err)
		}
		return nil
	})
	if len(unitIDs) > 0 {
		batch.Queue(`SELECT a.id, u.name, '', p.updated_at
			FROM accounts a JOIN profiles p ON p.account_id = a.id JOIN org_units u ON u.id = p.org_unit_id
			WHERE p.org_unit_id = ANY($1) AND a.disabled_at IS NULL AND NOT p.hidden AND p.left_at IS NULL
			  AND ($2::bigint = 0 OR a.agency_id = $2)`, unitIDs, agencyID).Query(func(rows pgx.Rows) error {
			err := forEach(rows, func(id int64, unit, _ string, at time.Time) {
				add(id, Evidence{Kind: "unit", Count: 1, Topic: unit, Last: at}, weightUnit)
			})
			if err != nil {
				return fmt.Errorf("unit members: %w", err)
			}
			return nil
		})
	}
	// Derived evidence only of people who opted in, never for topics they
	// hid, and only from content the searcher may read.
	var derived []derivedRow
	batch.Queue(consentingEvidence, topicIDs, readable, halfLifeMonths, agencyID).Query(func(rows pgx.Rows) (err error) {
		derived, err = scanEvidence(rows)
		return err
	})
	if err := r.pool.SendBatch(ctx, batch).Close(); err != nil {
		return nil, fmt.Errorf("rank experts: %w", err)
	}
	evidence := map[int64]float64{}
	for _, d := range derived {
		add(d.account, d.Evidence, 0)
		evidence[d.account] += d.weight
	}
	for id, w := range evidence {
		people[id].score += math.Min(w, evidenceCap)
	}
	list := make([]Expert, 0, len(people))
	for _, e := range people {
		list = append(list, *e)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].score != list[j].score {
			return list[i].score > list[j].score
		}
		return list[i].AccountID < list[j].AccountID
	})
	if len(list) > limit {
		list = list[:limit]
	}
	return list, r.describe(ctx, list)
}

// DerivedPeople lists the people of agencyID (every agency for 0) whose
// work, with their consent, shows expertise in the topics, counting only
// content in the readable spaces: the people Rank finds without a declared
// skill, for the directory to list them too.
func (r *Ranker) DerivedPeople(ctx context.Context, topicIDs, readable []int64, agencyID int64) ([]int64, error) {
	if len(topicIDs) == 0 {
		return nil, nil
	}
	rows, err := r.derived(ctx, topicIDs, readable, agencyID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, d := range rows {
		if !seen[d.account] {
			seen[d.account] = true
			ids = append(ids, d.account)
		}
	}
	return ids, nil
}

// describe fills in name, position and unit.
func (r *Ranker) describe(ctx context.Context, list []Expert) error {
	at := make(map[int64]int, len(list))
	ids := make([]int64, len(list))
	for i, e := range list {
		at[e.AccountID], ids[i] = i, e.AccountID
		sort.Slice(e.Evidence, func(a, b int) bool { return order(e.Evidence[a]) < order(e.Evidence[b]) })
	}
	rows, err := r.pool.Query(ctx, `SELECT a.id, a.handle, a.display_name, p.position, coalesce(u.name, '')
		FROM accounts a JOIN profiles p ON p.account_id = a.id LEFT JOIN org_units u ON u.id = p.org_unit_id
		WHERE a.id = ANY($1)`, ids)
	if err != nil {
		return fmt.Errorf("describe experts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var d Expert
		if err := rows.Scan(&id, &d.Handle, &d.Name, &d.Position, &d.Unit); err != nil {
			return fmt.Errorf("describe experts: %w", err)
		}
		e := &list[at[id]]
		e.Handle, e.Name, e.Position, e.Unit = d.Handle, d.Name, d.Position, d.Unit
	}
	return rows.Err()
}

func order(e Evidence) string {
	return map[string]string{"skill": "0", "unit": "1", "accepted": "2", "answer": "3", "page": "4"}[e.Kind] + e.Topic
}

func months(d time.Duration) float64 { return d.Hours() / 24 / 30.44 }

func forEach(rows pgx.Rows, fn func(id int64, topic, level string, at time.Time)) error {
	defer rows.Close()
	for rows.Next() {
		var id int64
		var topic, level string
		var at time.Time
		if err := rows.Scan(&id, &topic, &level, &at); err != nil {
			return err
		}
		fn(id, topic, level, at)
	}
	return rows.Err()
}

// DerivedTopic is a topic a person's work shows expertise in.
type DerivedTopic struct {
	TopicID  int64
	Name     string
	Evidence []Evidence
	Hidden   bool
}

// DerivedTopics previews what the ranking would derive for a person from
// all their work (whatever their consent), for their own eyes only.
func (r *Ranker) DerivedTopics(ctx context.Context, accountID int64) ([]DerivedTopic, error) {
	// The topics of the person's evidence items, as the ranking reads them
	// (no template pages), hidden ones included.
	rows, err := r.pool.Query(ctx, `SELECT t.id, t.name, EXISTS (SELECT 1 FROM hidden_derived_topics h WHERE h.account_id = $1 AND h.topic_id = t.id)
		FROM topics t WHERE t.id IN (SELECT topic_id FROM evidence_items WHERE account_id = $1)
		ORDER BY t.name`, accountID)
	if err != nil {
		return nil, fmt.Errorf("derived topics: %w", err)
	}
	topics, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (DerivedTopic, error) {
		var d DerivedTopic
		return d, row.Scan(&d.TopicID, &d.Name, &d.Hidden)
	})
	if err != nil || len(topics) == 0 {
		return topics, err
	}
	ids := make([]int64, len(topics))
	for i, t := range topics {
		ids[i] = t.TopicID
	}
	// A hidden topic stays in the list, without evidence, so that the
	// person can show it again.
	all, err := r.preview(ctx, accountID, ids)
	if err != nil {
		return nil, err
	}
	for i := range topics {
		for _, d := range all {
			if d.Topic == topics[i].Name {
				topics[i].Evidence = append(topics[i].Evidence, d.Evidence)
			}
		}
	}
	return topics, nil
}

// preview is derived for one person over every space: what they did is
// theirs to see.
func (r *Ranker) preview(ctx context.Context, accountID int64, topicIDs []int64) ([]derivedRow, error) {
	var spaces []int64
	rows, err := r.pool.Query(ctx, `SELECT id FROM spaces`)
	if err == nil {
		spaces, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	}
	if err != nil {
		return nil, err
	}
	list, err := r.derivedOf(ctx, accountID, topicIDs, spaces)
	if err != nil {
		return nil, err
	}
	return list, nil
}

// Profile is the evidence a person's profile shows a reader: nothing
// without the person's consent, and only from spaces the reader may read.
func (r *Ranker) Profile(ctx context.Context, accountID int64, readable []int64) ([]Evidence, error) {
	var consent bool
	if err := r.pool.QueryRow(ctx, `SELECT derived_consent FROM profiles WHERE account_id = $1`, accountID).Scan(&consent); err != nil || !consent {
		return nil, err
	}
	rows, err := r.pool.Query(ctx, `SELECT id FROM topics`)
	if err != nil {
		return nil, err
	}
	all, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	list, err := r.derivedOf(ctx, accountID, all, readable)
	out := make([]Evidence, len(list))
	for i, d := range list {
		out[i] = d.Evidence
	}
	sort.Slice(out, func(a, b int) bool { return order(out[a]) < order(out[b]) })
	return out, err
}
