package markdown

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
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
// on text nodes of the AST so that links, code, headings and the markup of
// other extensions are never touched.
type glossaryTransformer struct{}

// Transform implements parser.ASTTransformer.
func (t *glossaryTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	g, _ := pc.Get(glossaryKey).(*glossary)
	if g == nil || len(g.entries) == 0 {
		return
	}
	source := reader.Source()
	// goldmark splits the text of a paragraph into several Text nodes (at
	// line breaks and at characters some inline parser looked at), so terms
	// are matched on runs of sibling Text nodes. Collect first, change
	// afterwards: inserting nodes during ast.Walk would visit them again.
	var runs []*ast.Text // first node of each run
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindHeading, ast.KindLink, ast.KindAutoLink, ast.KindImage,
			ast.KindCodeSpan, ast.KindCodeBlock, ast.KindFencedCodeBlock,
			ast.KindHTMLBlock, ast.KindRawHTML, KindWikiLink, KindGlossaryTerm,
			east.KindFootnoteLink, east.KindFootnoteBacklink:
			return ast.WalkSkipChildren, nil
		case ast.KindText:
			if p := n.PreviousSibling(); p == nil || p.Kind() != ast.KindText {
				runs = append(runs, n.(*ast.Text))
			}
		}
		return ast.WalkContinue, nil
	})
	var run []*ast.Text
	for _, first := range runs {
		run = run[:0]
		for s := ast.Node(first); s != nil && s.Kind() == ast.KindText; s = s.NextSibling() {
			run = append(run, s.(*ast.Text))
		}
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
	// The logical text is the nodes' text joined by what separates them:
	// nothing if they are adjacent in the source, a space for a line break,
	// and a non-word byte otherwise. offsets[i] is where node i starts.
	// The buffers are reused across runs of one render.
	logical := g.logical[:0]
	offsets := g.offsets[:0]
	for i, n := range run {
		seg := n.Segment
		if seg.Padding != 0 {
			return // padded segments do not map 1:1 to source offsets
		}
		if i > 0 {
			prev := run[i-1]
			switch {
			case prev.SoftLineBreak() || prev.HardLineBreak():
				logical = append(logical, ' ')
			case prev.Segment.Stop != seg.Start:
				logical = append(logical, 0x01)
			}
		}
		offsets = append(offsets, len(logical))
		logical = append(logical, seg.Value(source)...)
	}
	g.logical, g.offsets = logical, offsets
	// The runes around the run in the source decide whether it starts or
	// ends inside a word (goldmark also splits text at "_" or "*").
	prev := utf8.RuneError
	if s := run[0].Segment.Start; s > 0 && s <= len(source) {
		prev, _ = utf8.DecodeLastRune(source[:s])
	}
	after := utf8.RuneError
	if s := run[len(run)-1].Segment.Stop; s < len(source) {
		after, _ = utf8.DecodeRune(source[s:])
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
	if len(spans) > 0 {
		g.rebuild(run, offsets, spans)
	}
}

// rebuild replaces the nodes of a run by pieces cut at the span boundaries,
// wrapping the pieces inside a span in one GlossaryTerm each. The last piece
// of a node keeps the node's line break.
func (g *glossary) rebuild(run []*ast.Text, offsets []int, spans []span) {
	parent := run[0].Parent()
	anchor := run[len(run)-1].NextSibling() // insert before this (nil = append)
	insert := func(n ast.Node) {
		if anchor == nil {
			parent.AppendChild(parent, n)
		} else {
			parent.InsertBefore(parent, anchor, n)
		}
	}
	for _, n := range run {
		parent.RemoveChild(parent, n)
	}
	si := 0
	var term *GlossaryTerm // open GlossaryTerm of spans[si], if any
	for i, n := range run {
		start, stop := offsets[i], offsets[i]+n.Segment.Len()
		for pos := start; pos < stop || pos == start; {
			end := stop
			inSpan := false
			if si < len(spans) {
				switch sp := spans[si]; {
				case pos < sp.start:
					end = min(stop, sp.start)
				default:
					end = min(stop, sp.stop)
					inSpan = true
				}
			}
			piece := ast.NewTextSegment(text.NewSegment(n.Segment.Start+pos-start, n.Segment.Start+end-start))
			piece.SetRaw(n.IsRaw())
			if end == stop {
				piece.SetSoftLineBreak(n.SoftLineBreak())
				piece.SetHardLineBreak(n.HardLineBreak())
			}
			if inSpan {
				if term == nil {
					e := g.entries[spans[si].p.entry]
					term = &GlossaryTerm{Slug: e.slug, Term: e.term, Definition: e.definition, ID: g.id(spans[si].p.entry), Abbr: spans[si].p.abbr}
					insert(term)
				}
				term.AppendChild(term, piece)
				if end == spans[si].stop {
					si++
					term = nil
				}
			} else {
				insert(piece)
			}
			if end == pos {
				break // empty node: one piece carries its line break
			}
			pos = end
		}
	}
}
