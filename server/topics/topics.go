// Package topics keeps the one topic tree of the instance, with synonyms,
// which wiki pages, questions and skills share, and the glossary. Knowledge
// managers curate both; every signed-in person browses them.
//
// Other areas use the Go API (Resolve, ByIDs, BySlug, Descendants, Tree,
// Suggest, Synonyms, Terms) and plug into the topic page and into merges
// with RegisterSection and RegisterMergeHook; content tagged in a table of
// its own is described by a Tagging. Changes reach the search as outbox
// rows of kind topic. This package imports no area.
package topics

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/web"
)

// SectionItem is one entry of a section on a topic page.
type SectionItem struct{ Title, URL, Meta string }

// Section is what another area shows on a topic page: a heading (a
// catalogue key), items, and a link to more.
type Section struct {
	TitleKey string
	Items    []SectionItem
	MoreURL  string
}

// SectionSource lists an area's content for a topic page. topicIDs are the
// topic and all its descendants. It must show only what viewer may read.
type SectionSource func(ctx context.Context, viewer *web.Viewer, topicIDs []int64) (Section, error)

// MergeHook re-points an area's references from topic from to topic to,
// inside the merge's transaction. It must cope with rows that already
// reference to (e.g. INSERT … SELECT … ON CONFLICT DO NOTHING, then DELETE).
type MergeHook func(ctx context.Context, tx pgx.Tx, from, to int64) error

// Deps is what the service uses from outside the package.
type Deps struct {
	// OnView, when set, is told of every topic page shown (for the
	// anonymised trends).
	OnView func(c *gin.Context, topicID int64)
	// WatchButton, when set, is a topic's watch button for the request,
	// which the "watch-button" partial renders.
	WatchButton func(c *gin.Context, topicID int64) any
}

// Topics is the topic and glossary service.
type Topics struct {
	Store *Store
	web   *web.Web
	pool  *pgxpool.Pool
	log   *slog.Logger

	sections []SectionSource
	hooks    []MergeHook
	carriers []CarrierSource
	deps     Deps

	glossary *glossaryCache
}

// New wires the service.
func New(w *web.Web, pool *pgxpool.Pool, deps Deps) *Topics {
	return &Topics{Store: NewStore(pool), web: w, pool: pool, log: w.Log, deps: deps, glossary: newGlossaryCache()}
}

// RegisterSection adds a section to every topic page, in registration
// order. Call it before serving.
func (s *Topics) RegisterSection(src SectionSource) { s.sections = append(s.sections, src) }

// RegisterMergeHook adds a hook every merge runs. Call it before serving.
func (s *Topics) RegisterMergeHook(h MergeHook) { s.hooks = append(s.hooks, h) }

// changed records in the search outbox, inside the changing transaction,
// which topics changed: the search finds the documents that show them.
func (s *Topics) changed(ctx context.Context, tx pgx.Tx, ids ...int64) error {
	return search.Enqueue(ctx, tx, search.KindTopic, ids...)
}

func requireKM(v *web.Viewer) error {
	if v == nil || !v.KnowledgeManager {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	return nil
}

// Limits of names and texts, as in migration 0003.
const (
	maxName        = 100
	maxDescription = 2000
)

// reserved slugs would shadow fixed routes (/themen/verwalten,
// /themen/verwalten/neu, /api/v1/topics/suggest).
var reserved = map[string]bool{"verwalten": true, "neu": true, "suggest": true}

// cleanLabel trims a name or synonym and checks its length.
func cleanLabel(s, field string) (string, *errs.Error) {
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return s, errs.E(errs.Invalid, "form.required").OnField(field)
	case n > maxName:
		return s, errs.E(errs.Invalid, "form.too_long", "Max", maxName).OnField(field)
	}
	return s, nil
}

// cleanLabels cleans each of labels as cleanLabel does, leaving out the
// empty ones; the first that is too long is the problem.
func cleanLabels(labels []string, field string) ([]string, *errs.Error) {
	var out []string
	for _, l := range labels {
		l, p := cleanLabel(l, field)
		if p != nil && p.Key == "form.required" {
			continue
		}
		if p != nil {
			return nil, p
		}
		out = append(out, l)
	}
	return out, nil
}

// fold lower-cases s and spells out umlauts and ß, as topic_labels.fold does.
func fold(s string) string {
	s = strings.ToLower(norm.NFC.String(strings.TrimSpace(s)))
	return strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss").Replace(s)
}

// uniqueSlug finds a free slug for name: its slug, else with -2, -3 ….
func uniqueSlug(ctx context.Context, q postgres.Querier, name string, free func(context.Context, postgres.Querier, string) (bool, error)) (string, error) {
	base := web.Slugify(name, 60)
	if base == "" {
		base = "thema"
	}
	for i := 1; i < 1000; i++ {
		slug := base
		if i > 1 {
			slug = fmt.Sprintf("%s-%d", base, i)
		}
		if reserved[slug] {
			continue
		}
		ok, err := free(ctx, q, slug)
		if err != nil {
			return "", err
		}
		if ok {
			return slug, nil
		}
	}
	return "", fmt.Errorf("no free slug for %q", name)
}

func topicSlugFree(ctx context.Context, q postgres.Querier, slug string) (bool, error) {
	taken, err := slugTaken(ctx, q, slug)
	return !taken, err
}

func validSlug(s string) bool {
	if len(s) < 1 || len(s) > 63 || reserved[s] {
		return false
	}
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' && i > 0) {
			return false
		}
	}
	return true
}

// ByIDs loads topics by id.
func (s *Topics) ByIDs(ctx context.Context, ids []int64) ([]Topic, error) {
	return s.Store.ByIDs(ctx, ids)
}

// BySlug loads a topic by slug, following merges: the slug of a topic
// merged into another yields the survivor.
func (s *Topics) BySlug(ctx context.Context, slug string) (Topic, error) {
	t, _, err := s.Store.BySlug(ctx, slug)
	return t, err
}

// Descendants returns id and the ids of all topics below it.
func (s *Topics) Descendants(ctx context.Context, id int64) ([]int64, error) {
	return s.Store.Descendants(ctx, s.pool, id)
}

// Node is a topic with the topics below it.
type Node struct {
	Topic
	Children []*Node
	Path     string // names from the top level down, for selects and tables
	Depth    int
}

// Tree returns the sorted topics as a forest, each level in German
// alphabetical order. Unsorted proposals are left out.
func (s *Topics) Tree(ctx context.Context) ([]*Node, error) {
	all, err := s.Store.All(ctx)
	if err != nil {
		return nil, err
	}
	var sorted []Topic
	for _, t := range all {
		if !t.Unsorted {
			sorted = append(sorted, t)
		}
	}
	return buildTree(sorted), nil
}

// buildTree nests topics; a topic whose parent is missing (an unsorted
// parent) becomes a root.
func buildTree(list []Topic) []*Node {
	nodes := make(map[int64]*Node, len(list))
	for _, t := range list {
		nodes[t.ID] = &Node{Topic: t}
	}
	var roots []*Node
	for _, t := range list {
		n := nodes[t.ID]
		if t.ParentID != nil && nodes[*t.ParentID] != nil {
			p := nodes[*t.ParentID]
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	col := collate.New(language.German, collate.IgnoreCase)
	var walk func(level []*Node, path string, depth int)
	walk = func(level []*Node, path string, depth int) {
		sort.SliceStable(level, func(i, j int) bool { return col.CompareString(level[i].Name, level[j].Name) < 0 })
		for _, n := range level {
			n.Path, n.Depth = n.Name, depth
			if path != "" {
				n.Path = path + " › " + n.Name
			}
			walk(n.Children, n.Path, depth+1)
		}
	}
	walk(roots, "", 0)
	return roots
}

// sortTopics orders topics by name as a German dictionary does.
func sortTopics(list []Topic) {
	col := collate.New(language.German, collate.IgnoreCase)
	sort.SliceStable(list, func(i, j int) bool { return col.CompareString(list[i].Name, list[j].Name) < 0 })
}

// flatten lists a forest depth-first.
func flatten(roots []*Node) []*Node {
	var out []*Node
	var walk func([]*Node)
	walk = func(level []*Node) {
		for _, n := range level {
			out = append(out, n)
			walk(n.Children)
		}
	}
	walk(roots)
	return out
}

// Suggest offers topics whose name or synonym starts with prefix, for
// autocomplete; case-insensitive and tolerant of umlauts written as ae, oe,
// ue and ß as ss. Of the unsorted proposals it offers those v may see.
func (s *Topics) Suggest(ctx context.Context, v *web.Viewer, prefix string, limit int) ([]Suggestion, error) {
	p := fold(prefix)
	if p == "" {
		return []Suggestion{}, nil
	}
	if limit < 1 || limit > 50 {
		limit = 10
	}
	proposals, err := s.Store.ProposalsByPrefix(ctx, p, 500)
	if err == nil {
		proposals, err = s.Visible(ctx, v, proposals)
	}
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(proposals))
	for i, t := range proposals {
		ids[i] = t.ID
	}
	return s.Store.Suggest(ctx, p, limit, ids)
}

// Synonyms returns every synonym group in the shape of Meilisearch's
// synonym settings: each label (lower case) maps to the other labels of
// its topic, so that the synonyms work in every direction.
func (s *Topics) Synonyms(ctx context.Context) (map[string][]string, error) {
	groups, err := s.Store.LabelGroups(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, g := range groups {
		for i, label := range g {
			others := make([]string, 0, len(g)-1)
			for j, o := range g {
				if i != j {
					others = append(others, strings.ToLower(o))
				}
			}
			key := strings.ToLower(label)
			out[key] = append(out[key], others...)
		}
	}
	return out, nil
}

// paragraphs splits plain text at blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
