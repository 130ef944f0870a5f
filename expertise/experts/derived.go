package experts

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

type derivedRow struct {
	account int64
	weight  float64
	Evidence
}

// The evidence items ($1 topics, $2 readable spaces, $4 the person where
// one is asked for) are found from where they are few, by index, and only
// then checked against the rest: the spaces a reader may read hold half
// of the instance. The subqueries with OFFSET 0 keep that order in the
// generic plan PostgreSQL settles on for a prepared statement, which
// cannot see how few items the parameters select and would otherwise read
// every page and question of the readable spaces.
const (
	// topicItems: the items of the topics, by anyone.
	topicItems = `
		WITH items AS (
			-- accepted answers and answers with a positive score
			SELECT x.author_id AS account, qt.topic_id,
			       CASE WHEN q.accepted_answer_id = x.id THEN 'accepted' ELSE 'answer' END AS kind, x.created_at AS at
			FROM question_topics qt
			CROSS JOIN LATERAL (SELECT q.id, q.accepted_answer_id FROM questions q
			                    WHERE q.id = qt.question_id AND q.space_id = ANY($2) OFFSET 0) q
			CROSS JOIN LATERAL (SELECT x.id, x.author_id, x.created_at FROM answers x
			                    WHERE x.question_id = q.id AND (q.accepted_answer_id = x.id OR x.score > 0) OFFSET 0) x
			WHERE qt.topic_id = ANY($1)
			UNION ALL
			-- pages written (a revision) or maintained (owner)
			SELECT w.account, pt.topic_id, 'page', pg.updated_at
			FROM page_topics pt
			CROSS JOIN LATERAL (SELECT pg.id, pg.owner_id, pg.updated_at FROM pages pg
			                    WHERE pg.id = pt.page_id AND pg.space_id = ANY($2) AND NOT pg.is_template OFFSET 0) pg
			CROSS JOIN LATERAL (SELECT author_id FROM page_revisions WHERE page_id = pg.id
			                    UNION SELECT pg.owner_id) w(account)
			WHERE pt.topic_id = ANY($1) AND w.account IS NOT NULL
		)`
	// personItems: the same items of one person, found from the person,
	// for every topic of the instance when their profile is shown.
	personItems = `
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
	// sumOfItems sums the items up per person, topic and kind ($3 the
	// half-life), never for topics the person hid; the condition on the
	// people follows.
	sumOfItems = `
		SELECT i.account, t.name, i.kind, count(*), max(i.at),
		       sum(power(0.5, extract(epoch FROM now() - i.at) / 86400 / 30.44 / $3))
		FROM items i JOIN accounts a ON a.id = i.account JOIN profiles p ON p.account_id = a.id
		JOIN topics t ON t.id = i.topic_id
		WHERE NOT EXISTS (SELECT 1 FROM hidden_derived_topics h WHERE h.account_id = i.account AND h.topic_id = i.topic_id)
		  AND a.disabled_at IS NULL AND p.left_at IS NULL`
	groupItems = `
		GROUP BY i.account, t.name, i.kind`
	// consentingEvidence: of the people who opted in, of one agency ($4)
	// unless it is 0. The condition is written as the index
	// profiles_derived is, so that the people are read from it.
	consentingEvidence = topicItems + sumOfItems + `
		  AND p.derived_consent AND NOT p.hidden AND ($4::bigint = 0 OR a.agency_id = $4)` + groupItems
	// personEvidence: of the one person, consent or not.
	personEvidence = personItems + sumOfItems + `
		  AND a.id = $4` + groupItems
)

// derived gathers the evidence of consenting people, of one agency unless
// agencyID is 0, only from content in the readable spaces.
func (r *Ranker) derived(ctx context.Context, topicIDs, readable []int64, agencyID int64) ([]derivedRow, error) {
	return r.evidence(ctx, consentingEvidence, topicIDs, readable, agencyID)
}

// derivedOf gathers the evidence of one person, consent or not: for their
// own preview, and for their profile once the caller checked the consent.
func (r *Ranker) derivedOf(ctx context.Context, account int64, topicIDs, readable []int64) ([]derivedRow, error) {
	return r.evidence(ctx, personEvidence, topicIDs, readable, account)
}

func (r *Ranker) evidence(ctx context.Context, sql string, topicIDs, readable []int64, whose int64) ([]derivedRow, error) {
	rows, err := r.pool.Query(ctx, sql, topicIDs, readable, halfLifeMonths, whose)
	if err != nil {
		return nil, fmt.Errorf("derived evidence: %w", err)
	}
	return scanEvidence(rows)
}

// scanEvidence reads the rows of consentingEvidence or personEvidence.
func scanEvidence(rows pgx.Rows) ([]derivedRow, error) {
	defer rows.Close()
	var out []derivedRow
	for rows.Next() {
		var d derivedRow
		var decayed float64
		if err := rows.Scan(&d.account, &d.Topic, &d.Kind, &d.Count, &d.Last, &decayed); err != nil {
			return nil, fmt.Errorf("derived evidence: %w", err)
		}
		d.weight = decayed * map[string]float64{"accepted": weightAccepted, "answer": weightGoodAnswer, "page": weightPage}[d.Kind]
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("derived evidence: %w", err)
	}
	return out, nil
}
