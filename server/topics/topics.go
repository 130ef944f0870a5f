// Package topics keeps the one topic tree of the instance, with synonyms,
// which wiki pages, questions and skills share, and the glossary. Knowledge
// managers curate both; every signed-in person browses them.
//
// Other areas use the Go API (Resolve, ByIDs, BySlug, Descendants, Tree,
// Suggest, Synonyms, Terms) and plug into the topic page and into merges
// with RegisterSection and RegisterMergeHook; this package imports no area.
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

// ChangeHook learns, inside the changing transaction, which topics were
// created, renamed, described, moved, re-labelled, merged or deleted, e.g.
// to write search outbox rows.
type ChangeHook func(ctx context.Context, tx pgx.Tx, topicIDs []int64) error

// Topics is the topic and glossary service.
type Topics struct {
	Store *Store
	web   *web.Web
	pool  *pgxpool.Pool
	log   *slog.Logger

	sections []SectionSource
	hooks    []MergeHook
	carriers []CarrierSource

	// OnChange, when set, runs in the same transaction as every change to
	// topics. Set it before serving.
	OnChange ChangeHook

	// OnView, when set, is told of every topic page shown (for the
	// anonymised trends).
	OnView func(c *gin.Context, topicID int64)
	// WatchButton, when set, is a topic's watch button for the request,
	// which the "watch-button" partial renders.
	WatchButton func(c *gin.Context, topicID int64) any

	glossary *glossaryCache
}

// New wires the service.
func New(w *web.Web, pool *pgxpool.Pool) *Topics {
	return &Topics{Store: NewStore(pool), web: w, pool: pool, log: w.Log, glossary: newGlossaryCache()}
}

// RegisterSection adds a section to every topic page, in registration
// order. Call it before serving.
func (s *Topics) RegisterSection(src SectionSource) { s.sections = append(s.sections, src) }

// RegisterMergeHook adds a hook every merge runs. Call it before serving.
func (s *Topics) RegisterMergeHook(h MergeHook) { s.hooks = append(s.hooks, h) }

func (s *Topics) changed(ctx context.Context, tx pgx.Tx, ids ...int64) error {
	if s.OnChange == nil || len(ids) == 0 {
		return nil
	}
	return s.OnChange(ctx, tx, ids)
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

// TopicInput is a new topic, or new name and description, as typed.
type TopicInput struct {
	Name        string   `json:"name"`
	Slug        string   `json:"slug"`
	Description string   `json:"description"`
	ParentID    *int64   `json:"-"`
	Synonyms    []string `json:"synonyms"`
}

func (in *TopicInput) validate(creating bool) []*errs.Error {
	var problems []*errs.Error
	var p *errs.Error
	if in.Name, p = cleanLabel(in.Name, "name"); p != nil {
		problems = append(problems, p)
	}
	in.Description = strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n"))
	if utf8.RuneCountInString(in.Description) > maxDescription {
		problems = append(problems, errs.E(errs.Invalid, "form.too_long", "Max", maxDescription).OnField("description"))
	}
	if creating {
		in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
		if in.Slug != "" && !validSlug(in.Slug) {
			problems = append(problems, errs.E(errs.Invalid, "topics.slug_invalid").OnField("slug"))
		}
		var syns []string
		for _, syn := range in.Synonyms {
			syn, p := cleanLabel(syn, "synonyms")
			if p != nil && p.Key == "form.required" {
				continue
			}
			if p != nil {
				problems = append(problems, p)
				break
			}
			syns = append(syns, syn)
		}
		in.Synonyms = syns
	}
	return problems
}

// labelConflict turns a taken name or synonym into a conflict naming the
// topic that has it.
func (s *Topics) labelConflict(ctx context.Context, err error, label, field string) error {
	if !violates(err, "topic_labels_pkey") {
		return err
	}
	owner, lerr := s.Store.LabelOwner(ctx, label)
	if lerr != nil {
		owner = label
	}
	return errs.E(errs.Conflict, "topics.label_taken", "Label", label, "Topic", owner).OnField(field)
}

// asProblems splits an error a person can fix from one they cannot.
func asProblems(err error) ([]*errs.Error, error) {
	if e, ok := errs.As(err); ok && e.Field != "" {
		return []*errs.Error{e}, nil
	}
	return nil, err
}

// Create adds a sorted topic to the tree.
func (s *Topics) Create(ctx context.Context, v *web.Viewer, in TopicInput) (Topic, []*errs.Error, error) {
	if err := requireKM(v); err != nil {
		return Topic{}, nil, err
	}
	if problems := in.validate(true); len(problems) > 0 {
		return Topic{}, problems, nil
	}
	var id int64
	label, field := in.Name, "name"
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockTree(ctx, tx); err != nil {
			return err
		}
		if in.ParentID != nil {
			if _, err := s.Store.Descendants(ctx, tx, *in.ParentID); err != nil {
				return errs.E(errs.Invalid, "topics.parent_unknown").OnField("parent")
			}
		}
		slug := in.Slug
		if slug == "" {
			var err error
			if slug, err = uniqueSlug(ctx, tx, in.Name, topicSlugFree); err != nil {
				return err
			}
		} else if taken, err := slugTaken(ctx, tx, slug); err != nil || taken {
			if err == nil {
				err = errs.E(errs.Conflict, "topics.slug_taken").OnField("slug")
			}
			return err
		}
		var err error
		if id, err = insertTopic(ctx, tx, newTopic{Slug: slug, Name: in.Name, Description: in.Description, ParentID: in.ParentID}); err != nil {
			return err
		}
		for _, syn := range in.Synonyms {
			if strings.EqualFold(syn, in.Name) {
				continue
			}
			label, field = syn, "synonyms"
			if err := addSynonym(ctx, tx, id, syn); err != nil {
				return err
			}
		}
		return s.changed(ctx, tx, id)
	})
	if violates(err, "topics_slug_key") {
		err = errs.E(errs.Conflict, "topics.slug_taken").OnField("slug")
	}
	err = s.labelConflict(ctx, err, label, field)
	if err != nil {
		problems, err := asProblems(err)
		return Topic{}, problems, err
	}
	t, err := s.Store.ByID(ctx, id)
	return t, nil, err
}

// Update renames a topic and changes its description. The slug stays, so
// links keep working.
func (s *Topics) Update(ctx context.Context, v *web.Viewer, t Topic, in TopicInput) ([]*errs.Error, error) {
	if err := requireKM(v); err != nil {
		return nil, err
	}
	if problems := in.validate(false); len(problems) > 0 {
		return problems, nil
	}
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := updateTopic(ctx, tx, t.ID, in.Name, in.Description); err != nil {
			return err
		}
		return s.changed(ctx, tx, t.ID)
	})
	return asProblems(s.labelConflict(ctx, err, in.Name, "name"))
}

// Move puts a topic below parent (nil: the top level), which also sorts an
// unsorted proposal into the tree. Moving a topic below itself or one of
// its descendants is refused.
func (s *Topics) Move(ctx context.Context, v *web.Viewer, t Topic, parent *int64) ([]*errs.Error, error) {
	if err := requireKM(v); err != nil {
		return nil, err
	}
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockTree(ctx, tx); err != nil {
			return err
		}
		below, err := s.Store.Descendants(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		if parent != nil {
			if _, err := s.Store.Descendants(ctx, tx, *parent); err != nil {
				return errs.E(errs.Invalid, "topics.parent_unknown").OnField("parent")
			}
			for _, id := range below {
				if id == *parent {
					return errs.E(errs.Invalid, "topics.cycle", "Name", t.Name).OnField("parent")
				}
			}
		}
		if err := setParent(ctx, tx, t.ID, parent); err != nil {
			return err
		}
		return s.changed(ctx, tx, below...)
	})
	return asProblems(err)
}

// AddSynonym gives a topic another label.
func (s *Topics) AddSynonym(ctx context.Context, v *web.Viewer, t Topic, synonym string) ([]*errs.Error, error) {
	if err := requireKM(v); err != nil {
		return nil, err
	}
	synonym, p := cleanLabel(synonym, "synonym")
	if p != nil {
		return []*errs.Error{p}, nil
	}
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := addSynonym(ctx, tx, t.ID, synonym); err != nil {
			return err
		}
		if err := touch(ctx, tx, t.ID); err != nil {
			return err
		}
		return s.changed(ctx, tx, t.ID)
	})
	return asProblems(s.labelConflict(ctx, err, synonym, "synonym"))
}

// RemoveSynonym takes a label from a topic; its name cannot be removed.
func (s *Topics) RemoveSynonym(ctx context.Context, v *web.Viewer, t Topic, synonym string) error {
	if err := requireKM(v); err != nil {
		return err
	}
	return postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		ok, err := removeSynonym(ctx, tx, t.ID, strings.TrimSpace(synonym))
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.NotFound, "topics.synonym_unknown", "Synonym", synonym)
		}
		if err := touch(ctx, tx, t.ID); err != nil {
			return err
		}
		return s.changed(ctx, tx, t.ID)
	})
}

// SetSynonyms makes a topic's synonyms exactly the given ones.
func (s *Topics) SetSynonyms(ctx context.Context, v *web.Viewer, t Topic, synonyms []string) ([]*errs.Error, error) {
	if err := requireKM(v); err != nil {
		return nil, err
	}
	want := map[string]string{}
	for _, syn := range synonyms {
		syn, p := cleanLabel(syn, "synonyms")
		if p != nil && p.Key == "form.required" {
			continue
		}
		if p != nil {
			return []*errs.Error{p}, nil
		}
		if !strings.EqualFold(syn, t.Name) {
			want[strings.ToLower(syn)] = syn
		}
	}
	label := ""
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		for _, old := range t.Synonyms {
			if _, keep := want[strings.ToLower(old)]; keep {
				delete(want, strings.ToLower(old))
				continue
			}
			if _, err := removeSynonym(ctx, tx, t.ID, old); err != nil {
				return err
			}
		}
		for _, syn := range want {
			label = syn
			if err := addSynonym(ctx, tx, t.ID, syn); err != nil {
				return err
			}
		}
		if err := touch(ctx, tx, t.ID); err != nil {
			return err
		}
		return s.changed(ctx, tx, t.ID)
	})
	return asProblems(s.labelConflict(ctx, err, label, "synonyms"))
}

// Merge folds topic from into topic into: from's name and synonyms become
// into's synonyms, its children move to into, every reference to it is
// re-pointed by the registered hooks, and its slug redirects to into; all
// in one transaction.
func (s *Topics) Merge(ctx context.Context, v *web.Viewer, from, into Topic) ([]*errs.Error, error) {
	if err := requireKM(v); err != nil {
		return nil, err
	}
	if from.ID == into.ID {
		return []*errs.Error{errs.E(errs.Invalid, "topics.merge_self").OnField("into")}, nil
	}
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockTree(ctx, tx); err != nil {
			return err
		}
		for _, id := range []int64{from.ID, into.ID} {
			if _, err := s.Store.Descendants(ctx, tx, id); err != nil {
				return errs.E(errs.NotFound, "topics.merge_target_unknown").OnField("into")
			}
		}
		for _, h := range s.hooks {
			if err := h(ctx, tx, from.ID, into.ID); err != nil {
				return fmt.Errorf("merge hook: %w", err)
			}
		}
		// The search learns of both before from is gone: from's document
		// must be deleted, into's updated with the new synonyms.
		if err := s.changed(ctx, tx, from.ID, into.ID); err != nil {
			return err
		}
		return mergeRows(ctx, tx, from.ID, into.ID)
	})
	return asProblems(err)
}

// Delete removes an unsorted proposal that has no children and that no
// content references (areas reference topics without ON DELETE CASCADE,
// so a referenced proposal is refused: merge it instead).
func (s *Topics) Delete(ctx context.Context, v *web.Viewer, t Topic) error {
	if err := requireKM(v); err != nil {
		return err
	}
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.changed(ctx, tx, t.ID); err != nil {
			return err
		}
		return deleteProposal(ctx, tx, t.ID)
	})
	if errs.CodeOf(err) == errs.Internal && isForeignKeyViolation(err) {
		return errs.E(errs.Conflict, "topics.delete_in_use")
	}
	return err
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
