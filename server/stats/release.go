package stats

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Figure is a released figure: an item and the band of people behind it.
type Figure struct {
	Kind  string     `json:"kind"`
	Item  string     `json:"-"`
	Title string     `json:"title"`
	URL   string     `json:"url"`
	Band  string     `json:"band"` // "5–10", "10–25" or "25+"
	Due   *time.Time `json:"review_due,omitempty"`
}

// Band turns a number of people into the band shown, or "" below k.
func (s *Stats) Band(n int) string {
	switch {
	case n < s.k:
		return ""
	case n < 10:
		return strconv.Itoa(s.k) + "–10"
	case n < 25:
		return "10–25"
	}
	return "25+"
}

// Scope names a fixed scope: the instance or one agency. There are no
// other filters, so nobody can subtract overlapping slices.
func Scope(agencyID int64) string {
	if agencyID == 0 {
		return "instance"
	}
	return "agency:" + strconv.FormatInt(agencyID, 10)
}

// SpaceScope names the scope of one space's pages and questions. Only
// spaces at least 10 people may read get figures: in a small group, "five
// people read this" points at nearly everyone by name.
func SpaceScope(spaceID int64) string { return "space:" + strconv.FormatInt(spaceID, 10) }

// crowdedSpaces selects the spaces at least 10 people may read: the
// agency's staff in an organisation space, and the members (directly or
// by group) in any. The readers, not the active members, are the crowd a
// figure hides in.
const crowdedSpaces = `SELECT space_id FROM (
		SELECT sp.id AS space_id, a.id AS account_id FROM spaces sp JOIN accounts a
			ON a.disabled_at IS NULL AND sp.visibility = 'organisation' AND a.agency_id = sp.agency_id
		UNION SELECT m.space_id, m.account_id FROM space_members m WHERE m.account_id IS NOT NULL
		UNION SELECT m.space_id, g.account_id FROM space_members m JOIN group_members g ON g.group_id = m.group_id
	) readers GROUP BY space_id HAVING count(*) >= 10`

// week is the ISO week whose figures are shown: the one of yesterday,
// since only finished days are aggregated.
func (s *Stats) week() string {
	y := s.now().UTC().AddDate(0, 0, -1)
	offset := (int(y.Weekday()) + 6) % 7 // Monday is 0
	return y.AddDate(0, 0, -offset).Format(time.DateOnly)
}

// itemTitle is the title and address of a page, question or topic as
// they are now, and only when the item lies in a space the viewer may read
// now (the parameter named by readable): a page moved into a private space
// since it was read must not show under its old space.
func itemTitle(readable string) string {
	return `CASE w.kind
		WHEN 'page' THEN (SELECT p.title || '|/bereiche/' || sp.slug || '/seiten/' || p.slug FROM pages p JOIN spaces sp ON sp.id = p.space_id
			WHERE p.id::text = w.item AND p.space_id = ANY(` + readable + `))
		WHEN 'question' THEN (SELECT q.title || '|/fragen/' || q.id FROM questions q WHERE q.id::text = w.item AND q.space_id = ANY(` + readable + `))
		WHEN 'topic' THEN (SELECT t.name || '|/themen/' || t.slug FROM topics t WHERE t.id::text = w.item) END`
}

// Trending lists the most read items of a kind this week in a scope, only
// items with at least k people and, for pages and questions, only from
// spaces the viewer may read.
func (s *Stats) Trending(ctx context.Context, scope, kind string, readable []int64, limit int) ([]Figure, error) {
	if kind != Page && kind != Question && kind != Topic {
		return nil, fmt.Errorf("trending: unknown kind %q", kind)
	}
	return s.figures(ctx, `SELECT w.kind, w.item, x.title, w.people FROM stats_weekly w, LATERAL (SELECT `+itemTitle("$5")+` AS title) x
		WHERE w.week = $1 AND w.scope = $2 AND w.kind = $3 AND w.people >= $4 AND x.title IS NOT NULL
		ORDER BY w.people DESC, w.item LIMIT $6`, s.week(), scope, kind, s.k, readable, limit)
}

func (s *Stats) figures(ctx context.Context, sql string, args ...any) ([]Figure, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	defer rows.Close()
	out := []Figure{} // an empty list in JSON, not null
	for rows.Next() {
		var f Figure
		var titleURL *string
		var people int
		if err := rows.Scan(&f.Kind, &f.Item, &titleURL, &people); err != nil {
			return nil, err
		}
		if titleURL == nil { // deleted since
			continue
		}
		f.Title, f.URL = split(*titleURL)
		f.Band = s.Band(people)
		out = append(out, f)
	}
	return out, rows.Err()
}

func split(s string) (string, string) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '|' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// namesOfPeople is the condition that drops a query that names a person
// of the directory: any word of it that is a word of someone's name.
const notAName = `NOT EXISTS (SELECT 1 FROM accounts a, regexp_split_to_table(lower(a.display_name), '\s+') n
	WHERE length(n) >= 3 AND n = ANY(regexp_split_to_array(w.item, '\s+')))
	AND NOT EXISTS (SELECT 1 FROM accounts a WHERE lower(a.handle) = ANY(regexp_split_to_array(w.item, '\s+')))`

// Searches lists the most frequent queries of the week in a scope, of
// kind Search or SearchEmpty (the content gaps): only queries at least k
// people made, and never one that names a person.
func (s *Stats) Searches(ctx context.Context, scope, kind string, limit int) ([]Figure, error) {
	if kind != Search && kind != SearchEmpty {
		return nil, fmt.Errorf("searches: unknown kind %q", kind)
	}
	return s.figures(ctx, `SELECT w.kind, w.item, w.item || '|/suche?q=' || replace(w.item, ' ', '+'), w.people FROM stats_weekly w
		WHERE w.week = $1 AND w.scope = $2 AND w.kind = $3 AND w.people >= $4 AND `+notAName+`
		ORDER BY w.people DESC, w.item LIMIT $5`, s.week(), scope, kind, s.k, limit)
}

// OverdueByDemand lists pages past their review date, most read first, in
// the spaces given: where an outdated page does most harm.
func (s *Stats) OverdueByDemand(ctx context.Context, scope string, readable []int64, limit int) ([]Figure, error) {
	rows, err := s.pool.Query(ctx, `SELECT p.title, '/bereiche/' || sp.slug || '/seiten/' || p.slug,
			p.review_due::timestamptz, coalesce(max(w.people), 0)
		FROM pages p JOIN spaces sp ON sp.id = p.space_id
		LEFT JOIN stats_weekly w ON w.kind = 'page' AND w.item = p.id::text AND w.scope = $1 AND w.week >= $2::date - 28
		WHERE p.space_id = ANY($3) AND NOT p.is_template AND p.review_due < current_date
		GROUP BY p.id, sp.slug ORDER BY 4 DESC, 3 LIMIT $4`, scope, s.week(), readable, limit)
	if err != nil {
		return nil, fmt.Errorf("overdue pages: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Figure, error) {
		var f Figure
		var due time.Time
		var people int
		err := r.Scan(&f.Title, &f.URL, &due, &people)
		f.Kind, f.Due, f.Band = Page, &due, s.Band(people)
		return f, err
	})
}

// TrendingInTopics lists the most read pages and questions of the week on
// the topics given, released by the same rules as Trending.
func (s *Stats) TrendingInTopics(ctx context.Context, scope string, topicIDs, readable []int64, limit int) ([]Figure, error) {
	return s.figures(ctx, `SELECT w.kind, w.item, x.title, w.people
		FROM stats_weekly w, LATERAL (SELECT `+itemTitle("$4")+` AS title) x
		WHERE w.week = $1 AND w.scope = $2 AND w.people >= $3 AND x.title IS NOT NULL
		  AND ((w.kind = 'page' AND EXISTS (SELECT 1 FROM page_topics t WHERE t.page_id::text = w.item AND t.topic_id = ANY($5)))
		    OR (w.kind = 'question' AND EXISTS (SELECT 1 FROM question_topics t WHERE t.question_id::text = w.item AND t.topic_id = ANY($5))))
		ORDER BY w.people DESC, w.item LIMIT $6`, s.week(), scope, s.k, readable, topicIDs, limit)
}
