package markdown

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// KindGlossaryTerm is the goldmark node kind of a marked-up glossary term.
var KindGlossaryTerm = ast.NewNodeKind("GlossaryTerm")

// GlossaryTerm wraps the first use of a glossary term; its child is the
// matched text as written.
type GlossaryTerm struct {
	ast.BaseInline
	Slug       string // normalised, safe for ids and URLs
	Term       string
	Definition string
	ID         string // id of the tooltip, IDPrefix included
	Abbr       bool   // matched an abbreviation: wrap in <abbr title=Term>
}

// Kind implements ast.Node.
func (n *GlossaryTerm) Kind() ast.NodeKind { return KindGlossaryTerm }

// Dump implements ast.Node.
func (n *GlossaryTerm) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Slug": n.Slug}, nil)
}

// glossaryIndex is the matcher of one glossary. It does not change once
// built, so renders share it (see Renderer.glossaryIndex).
type glossaryIndex struct {
	terms   []Term // what it was built from, cloned
	entries []glossaryEntry
	// byFirst indexes patterns by their lower-cased first rune, longest first.
	byFirst map[rune][]pattern
}

// glossary is the per-render matcher and the record of which entries have
// been used. It lives in the parser context of one Render call.
type glossary struct {
	*glossaryIndex
	idPrefix string
	used     []bool

	logical []byte // scratch of markRun
	offsets []int
}

type glossaryEntry struct {
	slug, term, definition string
}

// id is the id of an entry's tooltip, IDPrefix included.
func (g *glossary) id(entry int) string { return g.idPrefix + "gl-" + g.entries[entry].slug }

type pattern struct {
	runes []rune
	entry int
	abbr  bool // abbreviations match case-sensitively
}

func newGlossary(idx *glossaryIndex, idPrefix string) *glossary {
	return &glossary{glossaryIndex: idx, idPrefix: idPrefix, used: make([]bool, len(idx.entries))}
}

func newGlossaryIndex(terms []Term) *glossaryIndex {
	g := &glossaryIndex{byFirst: map[rune][]pattern{}}
	g.terms = slices.Clone(terms)
	for i := range g.terms {
		g.terms[i].Abbreviations = slices.Clone(g.terms[i].Abbreviations)
	}
	for _, t := range terms {
		slug := slugify(t.Slug)
		if slug == "" {
			continue // nothing safe to link to
		}
		idx := len(g.entries)
		g.entries = append(g.entries, glossaryEntry{slug: slug, term: t.Term, definition: t.Definition})
		g.add(t.Term, idx, false)
		for _, a := range t.Abbreviations {
			g.add(a, idx, true)
		}
	}
	for r, ps := range g.byFirst {
		// Longest match wins: "Vergabeverfahren" before "Vergabe".
		slices.SortStableFunc(ps, func(a, b pattern) int { return len(b.runes) - len(a.runes) })
		g.byFirst[r] = ps
	}
	return g
}

// sameTerms reports whether a glossary is the one an index was built from.
func sameTerms(a, b []Term) bool {
	return slices.EqualFunc(a, b, func(x, y Term) bool {
		return x.Slug == y.Slug && x.Term == y.Term && x.Definition == y.Definition && slices.Equal(x.Abbreviations, y.Abbreviations)
	})
}

func (g *glossaryIndex) add(s string, entry int, abbr bool) {
	// One space between words: the text may have any run of white space or
	// a line break there. A pattern must start and end with a word character
	// or the whole-word check would be meaningless.
	rs := []rune(strings.Join(strings.Fields(s), " "))
	if len(rs) == 0 || !isWordRune(rs[0]) || !isWordRune(rs[len(rs)-1]) {
		return
	}
	k := unicode.ToLower(rs[0])
	g.byFirst[k] = append(g.byFirst[k], pattern{runes: rs, entry: entry, abbr: abbr})
}

func (g *glossary) usedIDs() []string {
	var ids []string
	for i, u := range g.used {
		if u {
			ids = append(ids, g.id(i))
		}
	}
	return ids
}

// isWordRune decides whole-word boundaries; umlauts and ß are letters.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf { // fast path: most text is ASCII
		return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func equalRune(a, b rune, foldCase bool) bool {
	if a == b {
		return true
	}
	return foldCase && unicode.ToLower(a) == unicode.ToLower(b)
}

// match returns the longest pattern matching at the start of s, and its
// length in bytes. after is the rune following s (or utf8.RuneError at the
// end of the source) for the boundary check at the end of s.
func (g *glossary) match(s []byte, after rune) (pattern, int, bool) {
	first, _ := utf8.DecodeRune(s)
	for _, p := range g.byFirst[unicode.ToLower(first)] {
		if l, ok := matchAt(s, p); ok {
			next := after
			if l < len(s) {
				next, _ = utf8.DecodeRune(s[l:])
			}
			if !isWordRune(next) {
				return p, l, true
			}
		}
	}
	return pattern{}, 0, false
}

// matchAt reports whether p matches at the start of s and how many bytes.
func matchAt(s []byte, p pattern) (int, bool) {
	j := 0
	for _, pr := range p.runes {
		if j >= len(s) {
			return 0, false
		}
		tr, size := utf8.DecodeRune(s[j:])
		if pr == ' ' {
			if !unicode.IsSpace(tr) {
				return 0, false
			}
			for j < len(s) {
				tr, size = utf8.DecodeRune(s[j:])
				if !unicode.IsSpace(tr) {
					break
				}
				j += size
			}
			continue
		}
		if !equalRune(pr, tr, !p.abbr) {
			return 0, false
		}
		j += size
	}
	return j, true
}

// glossaryTransformer marks up the first use of each glossary entry. It works
// on text nodes of the AST (textRuns) so that links, code, headings and the
// markup of other extensions are never touched.
type glossaryTransformer struct{}

// Transform implements parser.ASTTransformer.
func (t *glossaryTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	g, _ := pc.Get(glossaryKey).(*glossary)
	if g == nil || len(g.entries) == 0 {
		return
	}
	source := reader.Source()
	for _, run := range textRuns(doc) {
		g.markRun(run, source)
	}
}

// span is a match in the logical text of a run.
type span struct {
	start, stop int
	p           pattern
}

// markRun finds the first uses in a run of sibling Text nodes and wraps them
// in GlossaryTerm nodes.
func (g *glossary) markRun(run []*ast.Text, source []byte) {
	logical, offsets, prev, after, ok := readRun(run, source, g.logical[:0], g.offsets[:0])
	g.logical, g.offsets = logical, offsets
	if !ok {
		return
	}

	var spans []span
	for i := 0; i < len(logical); {
		r, size := utf8.DecodeRune(logical[i:])
		// "&" or "#" before a word: an entity like &ouml; is not a word.
		if isWordRune(r) && !isWordRune(prev) && prev != '&' && prev != '#' {
			if p, l, ok := g.match(logical[i:], after); ok {
				if !g.used[p.entry] {
					g.used[p.entry] = true
					spans = append(spans, span{i, i + l, p})
				}
				// The longest match consumes its span even if its entry was
				// marked before: "Vergabe" inside an already marked
				// "Vergabe öffentlicher Aufträge" is no use of "Vergabe".
				i += l
				prev, _ = utf8.DecodeLastRune(logical[:i])
				continue
			}
		}
		prev = r
		i += size
	}
	if len(spans) == 0 {
		return
	}
	bounds := make([][2]int, len(spans))
	for i, sp := range spans {
		bounds[i] = [2]int{sp.start, sp.stop}
	}
	wrapSpans(run, offsets, bounds, func(k int) ast.Node {
		sp := spans[k]
		e := g.entries[sp.p.entry]
		return &GlossaryTerm{Slug: e.slug, Term: e.term, Definition: e.definition, ID: g.id(sp.p.entry), Abbr: sp.p.abbr}
	})
}
