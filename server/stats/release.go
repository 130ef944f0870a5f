package stats

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Figure is a released figure: an item and the band of people behind it.
type Figure struct {
	Kind  string     `json:"kind"`
	Item  string     `json:"-"`
	Title string     `json:"title"`
	URL   string     `json:"url"`
	Band  string     `json:"band"` // "5–10", "10–25", "25+", or open when the scope is small ("5+", "10+")
	Due   *time.Time `json:"review_due,omitempty"`
	lo    int
}

// week is the ISO week whose figures are shown: the one of yesterday,
// since only finished days are aggregated.
func (s *Stats) week() string {
	y := s.now().UTC().AddDate(0, 0, -1)
	offset := (int(y.Weekday()) + 6) % 7 // Monday is 0
	return y.AddDate(0, 0, -offset).Format(time.DateOnly)
}

// release turns stored rows into figures by the rule, most people first
// by band (never by raw count: the order would tell what the band hides),
// then by title.
func (s *Stats) release(rows []row, keep func(row) bool, limit int) []Figure {
	out := []Figure{} // an empty list in JSON, not null
	for _, r := range rows {
		b := s.rule.Band(r.People, r.Population)
		if b.Lo == 0 || r.TitleURL == nil || keep != nil && !keep(r) {
			continue
		}
		f := Figure{Kind: r.Kind, Item: r.Item, Band: b.String(), lo: b.Lo}
		f.Title, f.URL = split(*r.TitleURL)
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Figure) int {
		return cmp.Or(b.lo-a.lo, strings.Compare(a.Title, b.Title), strings.Compare(a.Item, b.Item))
	})
	return out[:min(limit, len(out))]
}

// Trending lists the most read items of a kind this week. Pages and
// questions are those of the spaces the viewer may read (readable), each
// with its space's figure: the same figure wherever it shows. Topics are
// those of scope, an agency; the instance has none.
func (s *Stats) Trending(ctx context.Context, scope, kind string, readable []int64, limit int) ([]Figure, error) {
	var rows []row
	var err error
	switch kind {
	case Page, Question:
		rows, err = s.store.inSpaces(ctx, s.week(), kind, s.rule.K, readable)
	case Topic:
		rows, err = s.store.inScope(ctx, s.week(), scope, kind, s.rule.K)
	default:
		return nil, fmt.Errorf("trending: unknown kind %q", kind)
	}
	if err != nil {
		return nil, err
	}
	return s.release(rows, nil, limit), nil
}

// InSpace lists the most read items of a kind this week in one space.
func (s *Stats) InSpace(ctx context.Context, spaceID int64, kind string, readable []int64, limit int) ([]Figure, error) {
	if !slices.Contains(readable, spaceID) {
		return []Figure{}, nil
	}
	return s.Trending(ctx, "", kind, []int64{spaceID}, limit)
}

func split(s string) (string, string) {
	if i := strings.LastIndexByte(s, '|'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// Searches lists the most frequent queries of the week of an agency's
// people (scope), of kind Search or SearchEmpty (the content gaps), never
// one that names a person.
func (s *Stats) Searches(ctx context.Context, scope, kind string, limit int) ([]Figure, error) {
	if kind != Search && kind != SearchEmpty {
		return nil, fmt.Errorf("searches: unknown kind %q", kind)
	}
	rows, err := s.store.inScope(ctx, s.week(), scope, kind, s.rule.K)
	if err != nil || len(rows) == 0 {
		return []Figure{}, err
	}
	parts, err := s.store.nameParts(ctx)
	if err != nil {
		return nil, err
	}
	names := newNames(parts)
	return s.release(rows, func(r row) bool { return !names.named(r.Item) }, limit), nil
}

// OverdueByDemand lists pages past their review date in the spaces given,
// most read first by the band of their space's figure of the last four
// weeks, then the longest overdue: where an outdated page does most harm.
// Pages below k people are ordered by due date only.
func (s *Stats) OverdueByDemand(ctx context.Context, readable []int64, limit int) ([]Figure, error) {
	rows, err := s.store.overdue(ctx, s.week(), readable)
	if err != nil {
		return nil, err
	}
	out := make([]Figure, 0, len(rows))
	for _, r := range rows {
		b := s.rule.Band(r.People, r.Population)
		f := Figure{Kind: Page, Due: r.Due, Band: b.String(), lo: b.Lo}
		f.Title, f.URL = split(*r.TitleURL)
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Figure) int {
		return cmp.Or(b.lo-a.lo, a.Due.Compare(*b.Due), strings.Compare(a.Title, b.Title), strings.Compare(a.URL, b.URL))
	})
	return out[:min(limit, len(out))], nil
}

// TrendingInTopics lists the most read pages and questions of the week on
// the topics given, from the spaces the viewer may read, each with its
// space's figure: pages and questions have figures in no other scope.
func (s *Stats) TrendingInTopics(ctx context.Context, topicIDs, readable []int64, limit int) ([]Figure, error) {
	rows, err := s.store.inTopics(ctx, s.week(), s.rule.K, readable, topicIDs)
	if err != nil {
		return nil, err
	}
	return s.release(rows, nil, limit), nil
}
