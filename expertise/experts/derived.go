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
// one is asked for) are read from evidence_items, which the database keeps
// up to date with every answer, question, page, revision and topic
// assignment (migration 0024): one index holds everything summed up, so
// that the expert box of a question page does not join answers, questions,
// pages and revisions on every request.
const (
	// topicItems: the items of the topics, by anyone.
	topicItems = `
		WITH items AS (
			SELECT account_id AS account, topic_id, kind, at FROM evidence_items
			WHERE topic_id = ANY($1) AND space_id = ANY($2)
		)`
	// personItems: the same items of one person, found from the person,
	// for every topic of the instance when their profile is shown.
	personItems = `
		WITH items AS (
			SELECT account_id AS account, topic_id, kind, at FROM evidence_items
			WHERE account_id = $4 AND topic_id = ANY($1) AND space_id = ANY($2)
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
