package markdown

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// FileNumberPattern is one kind of file number (Aktenzeichen) of an
// agency: how it is written and where the records system shows it.
type FileNumberPattern struct {
	Label string         // the records system, e.g. "E-Akte"
	Expr  *regexp.Regexp // the file number as written
	// URL is the address of a file in the records system, with "{nr}"
	// where the file number goes, escaped.
	URL string
}

// FileNumbers are the patterns that apply to a text: those of the agency
// that owns its space. A set is not changed once handed to Render; the
// memo tells sets apart by identity, so a changed pattern is a new set.
type FileNumbers struct {
	Patterns []FileNumberPattern
}

// FileNumber is a file number found in a text.
type FileNumber struct {
	Text  string // as written
	Label string // the records system
	Href  string
}

// Href is the address of a file number in the records system: the
// template with the number escaped for any place in a URL, path or query.
func (p FileNumberPattern) Href(number string) string {
	return strings.ReplaceAll(p.URL, "{nr}", strings.ReplaceAll(url.QueryEscape(number), "+", "%20"))
}

// Find returns the file numbers in plain text in order, each once, the
// earlier pattern first where two match at one place. A match counts only
// as a whole: not inside a word or number ("x12-3/2026", "12-3/20261").
func (f *FileNumbers) Find(s string) []FileNumber {
	if f == nil {
		return nil
	}
	var out []FileNumber
	seen := map[string]bool{}
	for _, sp := range f.spans([]byte(s), utf8.RuneError, utf8.RuneError) {
		n := sp.number(s)
		if !seen[n.Text] {
			seen[n.Text] = true
			out = append(out, n)
		}
	}
	return out
}

type fileSpan struct {
	start, stop int
	p           *FileNumberPattern
}

func (sp fileSpan) number(s string) FileNumber {
	t := s[sp.start:sp.stop]
	return FileNumber{Text: t, Label: sp.p.Label, Href: sp.p.Href(t)}
}

// spans are the whole matches in s, ordered and not overlapping. before
// and after are the runes around s.
func (f *FileNumbers) spans(s []byte, before, after rune) []fileSpan {
	var all []fileSpan
	for i := range f.Patterns {
		p := &f.Patterns[i]
		for _, m := range p.Expr.FindAllIndex(s, -1) {
			if m[1] > m[0] && whole(s, m[0], m[1], before, after) && bytes.IndexByte(s[m[0]:m[1]], runBreak) < 0 {
				all = append(all, fileSpan{m[0], m[1], p})
			}
		}
	}
	var out []fileSpan
	for len(all) > 0 {
		// The earliest match, of the earliest pattern when two start
		// together; what overlaps it is dropped.
		best := 0
		for i, sp := range all {
			if sp.start < all[best].start {
				best = i
			}
		}
		b := all[best]
		out = append(out, b)
		kept := all[:0]
		for _, sp := range all {
			if sp.start >= b.stop {
				kept = append(kept, sp)
			}
		}
		all = kept
	}
	return out
}

// whole reports whether s[start:stop] is not part of a longer word.
func whole(s []byte, start, stop int, before, after rune) bool {
	prev, next := before, after
	if start > 0 {
		prev, _ = utf8.DecodeLastRune(s[:start])
	}
	if stop < len(s) {
		next, _ = utf8.DecodeRune(s[stop:])
	}
	first, _ := utf8.DecodeRune(s[start:])
	last, _ := utf8.DecodeLastRune(s[:stop])
	return !(isWordRune(prev) && isWordRune(first)) && !(isWordRune(last) && isWordRune(next))
}

// KindFileNumber is the goldmark node kind of a file number.
var KindFileNumber = ast.NewNodeKind("FileNumber")

// FileNumberNode is a file number in the text, linked to the records
// system; its children are the number as written.
type FileNumberNode struct {
	ast.BaseInline
	Href, Label string
	Hint        string // the screen-reader text after the number
}

// Kind implements ast.Node.
func (n *FileNumberNode) Kind() ast.NodeKind { return KindFileNumber }

// Dump implements ast.Node.
func (n *FileNumberNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Href": n.Href}, nil)
}

// fileNumbersKey holds the per-render *fileNumberMarks in the parser
// context.
var fileNumbersKey = parser.NewContextKey()

// fileNumberMarks are the patterns of one render and what it found.
type fileNumberMarks struct {
	set   *FileNumbers
	hint  string // "{label}" stands for the records system
	found []FileNumber
	seen  map[string]bool
}

// defaultFileNumberHint is the German default of Options.FileNumberHint.
const defaultFileNumberHint = "in {label} öffnen"

// fileNumberTransformer links the file numbers in text. It runs before
// the glossary, which then leaves them alone, and like it never touches
// links, code or headings.
type fileNumberTransformer struct{}

// Transform implements parser.ASTTransformer.
func (t *fileNumberTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	m, _ := pc.Get(fileNumbersKey).(*fileNumberMarks)
	if m == nil || m.set == nil || len(m.set.Patterns) == 0 {
		return
	}
	source := reader.Source()
	var logical []byte
	var offsets []int
	for _, run := range textRuns(doc) {
		var prev, after rune
		var ok bool
		logical, offsets, prev, after, ok = readRun(run, source, logical[:0], offsets[:0])
		if !ok {
			continue
		}
		spans := m.set.spans(logical, prev, after)
		if len(spans) == 0 {
			continue
		}
		bounds := make([][2]int, len(spans))
		for i, sp := range spans {
			bounds[i] = [2]int{sp.start, sp.stop}
		}
		written := string(logical)
		wrapSpans(run, offsets, bounds, func(k int) ast.Node {
			n := spans[k].number(written)
			if !m.seen[n.Text] {
				m.seen[n.Text] = true
				m.found = append(m.found, n)
			}
			return &FileNumberNode{Href: n.Href, Label: n.Label, Hint: strings.ReplaceAll(m.hint, "{label}", n.Label)}
		})
	}
}

func (r *nodeRenderer) renderFileNumber(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*FileNumberNode)
	if entering {
		_, _ = w.WriteString(`<a class="file-number" href="`)
		_, _ = w.Write(util.EscapeHTML([]byte(n.Href)))
		_, _ = w.WriteString(`">`)
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<span class="kern-sr-only"> (`)
	_, _ = w.Write(util.EscapeHTML([]byte(n.Hint)))
	_, _ = w.WriteString(`)</span></a>`)
	return ast.WalkContinue, nil
}
