package topics

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// The names of a Tagging are the area's own constants, never input;
// Sanitize quotes them all the same.

// Carriers tells, for each of topicIDs that some tagged item carries,
// whether an item in one of the spaces readable does, and whether one in
// another space does.
func (t Tagging) Carriers(ctx context.Context, q postgres.Querier, topicIDs, readable []int64) (map[int64]Carried, error) {
	tags, item, items := t.names()
	rows, _ := q.Query(ctx, `SELECT tg.topic_id, bool_or(x.space_id = ANY($2)) AS readable, bool_or(x.space_id <> ALL($2)) AS hidden
		FROM `+tags+` tg JOIN `+items+` x ON x.id = tg.`+item+` WHERE tg.topic_id = ANY($1) GROUP BY tg.topic_id`, topicIDs, readable)
	out, err := CollectCarried(rows)
	if err != nil {
		return nil, fmt.Errorf("%s carrying topics: %w", t.Items, err)
	}
	return out, nil
}

// Merge re-points the items of topic from to topic to, in the merge's
// transaction; an item tagged with both keeps one tag.
func (t Tagging) Merge(ctx context.Context, tx pgx.Tx, from, to int64) error {
	tags, item, _ := t.names()
	if _, err := tx.Exec(ctx, `INSERT INTO `+tags+` (`+item+`, topic_id) SELECT `+item+`, $2 FROM `+tags+` WHERE topic_id = $1
		ON CONFLICT DO NOTHING`, from, to); err != nil {
		return fmt.Errorf("merge %s: %w", t.Table, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM `+tags+` WHERE topic_id = $1`, from); err != nil {
		return fmt.Errorf("merge %s: %w", t.Table, err)
	}
	return nil
}

// ItemsOf are the ids of the items tagged with one of topicIDs.
func (t Tagging) ItemsOf(ctx context.Context, q postgres.Querier, topicIDs []int64) ([]int64, error) {
	tags, item, _ := t.names()
	rows, _ := q.Query(ctx, `SELECT DISTINCT `+item+` FROM `+tags+` WHERE topic_id = ANY($1)`, topicIDs)
	return postgres.Values[int64](rows, t.Items+" of topics")
}

func (t Tagging) names() (tags, item, items string) {
	return pgx.Identifier{t.Table}.Sanitize(), pgx.Identifier{t.Item}.Sanitize(), pgx.Identifier{t.Items}.Sanitize()
}
