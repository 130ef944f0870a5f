package wiki

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
)

// TopicSection lists, for a topic page, the pages tagged with the topic or
// one below it that the viewer may read.
func (wk *Wiki) TopicSection(ctx context.Context, v *web.Viewer, topicIDs []int64) (topics.Section, error) {
	readable := wk.spaces.Enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID, AgencyID: v.AgencyID})
	rows, _ := wk.store.pool.Query(ctx, `SELECT DISTINCT p.id, p.space_id, s.slug AS space_slug, p.slug, p.title
		FROM page_topics pt JOIN pages p ON p.id = pt.page_id JOIN spaces s ON s.id = p.space_id
		WHERE pt.topic_id = ANY($1) AND p.space_id = ANY($2) AND NOT p.is_template ORDER BY p.title LIMIT 50`, topicIDs, readable)
	refs, err := pgx.CollectRows(rows, pgx.RowToStructByName[PageRef])
	if err != nil {
		return topics.Section{}, fmt.Errorf("pages of topic: %w", err)
	}
	sec := topics.Section{TitleKey: "wiki.topic_section"}
	for _, r := range refs {
		sec.Items = append(sec.Items, topics.SectionItem{Title: r.Title, URL: PageURL(r.SpaceSlug, r.Slug), Meta: r.SpaceSlug})
	}
	return sec, nil
}

// MergeTopic re-points the pages of a merged topic to the one it merged
// into, in the merge's transaction.
func MergeTopic(ctx context.Context, tx pgx.Tx, from, to int64) error {
	if _, err := tx.Exec(ctx, `INSERT INTO page_topics (page_id, topic_id) SELECT page_id, $2 FROM page_topics WHERE topic_id = $1
		ON CONFLICT DO NOTHING`, from, to); err != nil {
		return fmt.Errorf("merge page topics: %w", err)
	}
	_, err := tx.Exec(ctx, `DELETE FROM page_topics WHERE topic_id = $1`, from)
	return err
}

// TopicCarriers tells the topic tree where pages carry topics, as v sees
// them: an unsorted proposal is visible only to readers of content that
// carries it.
func (wk *Wiki) TopicCarriers(ctx context.Context, v *web.Viewer, topicIDs []int64) (map[int64]topics.Carried, error) {
	readable := wk.spaces.Enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID, AgencyID: v.AgencyID})
	return wk.store.TopicCarriers(ctx, topicIDs, readable)
}
