package wiki

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/topics"
)

// pageTagging is page_topics, which tags pages with topics.
var pageTagging = topics.Tagging{Table: "page_topics", Item: "page_id", Items: "pages"}

// PagesOfTopics lists the pages tagged with one of the topics in the
// readable spaces, by title, at most 50.
func (st *Store) PagesOfTopics(ctx context.Context, topicIDs, readable []int64) ([]PageRef, error) {
	rows, _ := st.pool.Query(ctx, `SELECT DISTINCT p.id, p.space_id, s.slug AS space_slug, p.slug, p.title
		FROM page_topics pt JOIN pages p ON p.id = pt.page_id JOIN spaces s ON s.id = p.space_id
		WHERE pt.topic_id = ANY($1) AND p.space_id = ANY($2) AND NOT p.is_template ORDER BY p.title LIMIT 50`, topicIDs, readable)
	return postgres.All[PageRef](rows, "pages of topic")
}

// MergeTopic re-points the pages of a merged topic to the one it merged
// into, in the merge's transaction.
func MergeTopic(ctx context.Context, tx pgx.Tx, from, to int64) error {
	return pageTagging.Merge(ctx, tx, from, to)
}
