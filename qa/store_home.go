package qa

import (
	"context"
	"time"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Listed is a question as the start page lists it: title, space, date and
// how many answers it has; no asker (no activity stream).
type Listed struct {
	ID          int64     `db:"id"`
	Title       string    `db:"title"`
	SpaceSlug   string    `db:"space_slug"`
	SpaceName   string    `db:"space_name"`
	AnswerCount int       `db:"answer_count"`
	CreatedAt   time.Time `db:"created_at"`
}

// URL is the question's address.
func (l Listed) URL() string { return QuestionURL(l.ID) }

// OpenFor lists the open questions (not closed, no accepted answer, no
// duplicate) that concern accountID, newest first: those in the spaces
// the person joined, in person or through a group, and those of any
// readable space about a topic the person follows or names as a skill.
// Only spaces in readable are ever listed. The person's memberships and
// topics are a handful of rows read by their keys (space_members,
// group_members, watches, profile_skills), so this stays one bounded
// query.
func (st *Store) OpenFor(ctx context.Context, readable []int64, accountID int64, limit int) ([]Listed, error) {
	rows, _ := st.pool.Query(ctx, `WITH mine AS (
			SELECT m.space_id FROM space_members m WHERE m.account_id = $2
			UNION SELECT m.space_id FROM space_members m JOIN group_members g ON g.group_id = m.group_id WHERE g.account_id = $2)
		SELECT q.id, q.title, s.slug::text AS space_slug, s.name AS space_name, q.answer_count, q.created_at
		FROM questions q JOIN spaces s ON s.id = q.space_id
		WHERE q.space_id = ANY($1) AND q.accepted_answer_id IS NULL AND q.closed_at IS NULL AND q.duplicate_of IS NULL
			AND s.archived_at IS NULL
			AND (q.space_id IN (SELECT space_id FROM mine) OR EXISTS (
				SELECT 1 FROM question_topics qt WHERE qt.question_id = q.id AND qt.topic_id IN (
					SELECT w.item_id FROM watches w WHERE w.account_id = $2 AND w.kind = 'topic'
					UNION SELECT ps.topic_id FROM profile_skills ps WHERE ps.account_id = $2)))
		ORDER BY q.created_at DESC, q.id DESC LIMIT $3`, readable, accountID, limit)
	return postgres.All[Listed](rows, "open questions for the start page")
}
