package expertise

import (
	"context"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/topics"
)

// SkillMatch is what a typed skill stands for: the topics it names (by
// name, synonym, slug, as part of a compound or with a typo), each with
// the topics below it, and the organisation units whose name it names,
// each with the units below it. The directory, the expert search and the
// API all ask the Matcher, so that the same words find the same people.
type SkillMatch struct {
	Topics   []string // names of the topics named, closest first
	TopicIDs []int64  // those topics and every topic below them
	Units    []string // names of the units named
	UnitIDs  []int64  // those units and every unit below them
	// People are found by what their work shows in the topics, with their
	// consent (filled in by the directory; the expert search ranks them).
	People []int64
	// Nearest is, when nothing matched, the name of the topic closest to
	// the text ("Meinten Sie …?"); "" when none is close.
	Nearest string
}

// Names are the topics and then the units the text was taken to mean.
func (m SkillMatch) Names() []string { return append(append([]string{}, m.Topics...), m.Units...) }

// Found reports whether the text named any topic or unit.
func (m SkillMatch) Found() bool {
	return len(m.TopicIDs) > 0 || len(m.UnitIDs) > 0 || len(m.People) > 0
}

// Matcher maps typed skills to topics and units.
type Matcher struct {
	store  *Store
	topics *topics.Topics
}

// NewMatcher returns a matcher over the topic tree (with the glossary's
// abbreviations) and the units.
func NewMatcher(store *Store, ts *topics.Topics) *Matcher { return &Matcher{store: store, topics: ts} }

// maxSkillText bounds the typed text; longer ones are cut.
const maxSkillText = 100

// Match maps text to topics and to the units of agencyID (every agency
// for 0). The tree and the units are few, so they are compared in Go,
// where typos and compound parts are simple to weigh.
func (m *Matcher) Match(ctx context.Context, agencyID int64, text string) (SkillMatch, error) {
	q := fold(text)
	if r := []rune(q); len(r) > maxSkillText {
		q = string(r[:maxSkillText])
	}
	if q == "" {
		return SkillMatch{}, nil
	}
	all, err := m.topics.Store.All(ctx)
	if err != nil {
		return SkillMatch{}, err
	}
	terms, err := m.topics.Terms(ctx)
	if err != nil {
		return SkillMatch{}, err
	}
	units, err := m.store.MatchableUnits(ctx, agencyID)
	if err != nil {
		return SkillMatch{}, err
	}
	tnodes := make([]node, len(all))
	for i, t := range all {
		labels := []string{fold(t.Name)}
		for _, s := range t.Synonyms {
			labels = append(labels, fold(s))
		}
		tnodes[i] = node{id: t.ID, parent: t.ParentID, name: t.Name, labels: labels, slug: t.Slug, unsorted: t.Unsorted}
	}
	withGlossary(tnodes, terms)
	unodes := make([]node, len(units))
	for i, u := range units {
		unodes[i] = node{id: u.ID, parent: u.ParentID, name: u.Name, labels: []string{fold(u.Name)}, unit: true}
	}
	return matchNodes(q, tnodes, unodes), nil
}

// withGlossary gives a topic the glossary's spellings of its labels: the
// term "elektronische Akte" with its abbreviation "E-Akte" makes the topic
// "E-Akte" found by either.
func withGlossary(tnodes []node, terms []topics.GlossaryTerm) {
	groups := map[string][]string{}
	for _, g := range terms {
		group := []string{fold(g.Term)}
		for _, a := range g.Abbreviations {
			group = append(group, fold(a))
		}
		for _, l := range group {
			groups[compact(l)] = append(groups[compact(l)], group...)
		}
	}
	for i := range tnodes {
		n := &tnodes[i]
		for _, l := range n.labels {
			for _, other := range groups[compact(l)] {
				if !slices.Contains(n.labels, other) {
					n.labels = append(n.labels, other)
				}
			}
		}
	}
}

// node is a topic or unit to compare against, with folded labels.
type node struct {
	id     int64
	parent *int64
	name   string
	labels []string
	slug   string // a topic's slug, as links to the directory carry it
	unit   bool   // units match only whole words, parts and typos of words
	// unsorted proposals match (people declare them as skills) but are
	// not offered as "Meinten Sie …?".
	unsorted bool
}

// Tiers of a match, best last.
const (
	noMatch = iota
	typoMatch
	partMatch
	exactMatch
)

type hit struct {
	n    *node
	tier int
}

// matchNodes finds the best-matching topics and units for the folded
// query q: exact and compound matches when there are any, typos only
// otherwise, so that "Vergabe" does not also bring "Vorgabe".
func matchNodes(q string, tnodes, unodes []node) SkillMatch {
	hits := best(q, tnodes, unodes, true)
	if len(hits) == 0 {
		// "Wer kennt sich mit Vergabe aus": the longer words one by one
		// ("sich" would be part of "Sicherheit"), as whole words and
		// compound parts, not with typos of filler words.
		for _, w := range words(q) {
			if len([]rune(w)) >= 5 && w != q {
				hits = append(hits, best(w, tnodes, unodes, false)...)
			}
		}
	}
	var m SkillMatch
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].tier > hits[j].tier })
	seen := map[*node]bool{}
	var topicRoots, unitRoots []int64
	for _, h := range hits {
		if seen[h.n] {
			continue
		}
		seen[h.n] = true
		if h.n.unit {
			m.Units = append(m.Units, h.n.name)
			unitRoots = append(unitRoots, h.n.id)
		} else {
			m.Topics = append(m.Topics, h.n.name)
			topicRoots = append(topicRoots, h.n.id)
		}
	}
	m.TopicIDs = below(topicRoots, tnodes)
	m.UnitIDs = below(unitRoots, unodes)
	if !m.Found() {
		m.Nearest = nearest(q, tnodes)
	}
	return m
}

// best lists the nodes matching q in the best tier found: exact and part
// matches together, else (when typos is set) typo matches.
func best(q string, tnodes, unodes []node, typos bool) []hit {
	var strong, weak []hit
	for _, list := range [][]node{tnodes, unodes} {
		for i := range list {
			n := &list[i]
			switch t := tier(q, n); {
			case t >= partMatch:
				strong = append(strong, hit{n, t})
			case t == typoMatch:
				weak = append(weak, hit{n, t})
			}
		}
	}
	if len(strong) > 0 || !typos {
		return strong
	}
	return weak
}

// tier is how well q names n.
func tier(q string, n *node) int {
	if n.slug != "" && n.slug == q {
		return exactMatch
	}
	out := noMatch
	qr := []rune(q)
	for _, l := range n.labels {
		if l == "" {
			continue
		}
		if l == q || compact(l) == compact(q) {
			return exactMatch
		}
		if n.unit {
			// Units are phrases ("Referat Z2 – Haushalt und Beschaffung"):
			// a part of at least four letters, so that "und" names none.
			if len(qr) >= 4 && strings.Contains(l, q) {
				out = max(out, partMatch)
			}
		} else if len(qr) >= 3 && strings.Contains(l, q) || len([]rune(l)) >= 5 && strings.Contains(q, l) || slices.Contains(words(l), q) {
			// "Vergabe" in "Vergaberecht", "Vergaberechts" holding it, and
			// "IT" as a word of "IT-Sicherheit".
			out = max(out, partMatch)
		}
		if k := allowedEdits(len(qr)); out == noMatch && k > 0 && typoDistance(qr, l, k) <= k {
			out = typoMatch
		}
	}
	return out
}

// allowedEdits is how many typos a word of n letters may have, as
// Meilisearch allows: none below five letters, one up to eight, then two.
func allowedEdits(n int) int {
	switch {
	case n < 5:
		return 0
	case n <= 8:
		return 1
	default:
		return 2
	}
}

// typoDistance is the fewest edits between q and the label l, a word of
// it, or the beginning of such a word ("Vergabb" is one edit from the
// start of "Vergaberecht"); a beginning only counts for q of five letters
// or more. Distances above limit are reported as limit+1.
func typoDistance(q []rune, l string, limit int) int {
	d := limit + 1
	for _, w := range append(words(l), l) {
		wr := []rune(w)
		d = min(d, search.Typos(q, wr, limit))
		if len(q) < 5 {
			continue
		}
		for n := len(q) - 1; n <= len(q)+1 && n < len(wr); n++ {
			d = min(d, search.Typos(q, wr[:n], limit))
		}
	}
	return d
}

// nearest names the topic closest to q, if any is within half of q's
// length in edits.
func nearest(q string, tnodes []node) string {
	qr := []rune(q)
	bestD, bestName := len(qr)/2+1, ""
	for _, n := range tnodes {
		if n.unsorted {
			continue
		}
		for _, l := range n.labels {
			if d := typoDistance(qr, l, bestD); d < bestD || d == bestD && bestName != "" && n.name < bestName {
				bestD, bestName = d, n.name
			}
		}
	}
	return bestName
}

// below is roots with every node under them.
func below(roots []int64, list []node) []int64 {
	if len(roots) == 0 {
		return nil
	}
	children := map[int64][]int64{}
	for _, n := range list {
		if n.parent != nil {
			children[*n.parent] = append(children[*n.parent], n.id)
		}
	}
	seen := map[int64]bool{}
	var out []int64
	queue := append([]int64(nil), roots...)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
		queue = append(queue, children[id]...)
	}
	return out
}

// words splits a folded label at everything that is not a letter or digit.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// compact drops spaces and hyphens: "E-Akte" and "eakte" are the same.
func compact(s string) string { return strings.Join(words(s), "") }
