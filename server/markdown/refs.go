package markdown

import (
	"sort"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// Ref is a wiki link, or an inline link or image with its destination, as
// written in a source: what a space export turns into relative file paths
// and its import turns back.
type Ref struct {
	Wiki  bool // [[space:Title|label]]; otherwise a link or an image
	Image bool
	Space string // wiki links: as written, "" = the current space
	Title string // wiki links
	// Label is the label as written. Links have one only when it is plain
	// text on one line (no brackets, no "|"); Start and Stop then cover the
	// whole link.
	Label string
	URL   string // links and images: the destination as read
	// Start and Stop are the whole link in the source, -1 when not known.
	Start, Stop int
	// DestStart and DestStop are the destination as written (with its
	// angle brackets, if any); -1 for wiki links.
	DestStart, DestStop int
}

// Edit replaces src[Start:Stop] with Text.
type Edit struct {
	Start, Stop int
	Text        string
}

// Refs lists the wiki links, inline links and images of a source in order
// of appearance. Links in code are not links. A destination that is only
// known through a reference definition ([label][ref]) is left out.
func Refs(src string) []Ref {
	source := []byte(src)
	doc := linksParser().Parse(text.NewReader(source))
	var refs []Ref
	var code [][2]int
	type dest struct {
		url   string
		image bool
	}
	var dests []dest
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *WikiLink:
			refs = append(refs, Ref{Wiki: true, Space: n.Space, Title: n.Title, Label: labelOf(n, source),
				Start: n.start, Stop: n.stop, DestStart: -1, DestStop: -1})
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			dests = append(dests, dest{url: string(n.Destination)})
		case *ast.Image:
			dests = append(dests, dest{url: string(n.Destination), image: true})
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					code = append(code, [2]int{t.Segment.Start, t.Segment.Stop})
				}
			}
		}
		if n.Type() == ast.TypeBlock && (n.Kind() == ast.KindFencedCodeBlock || n.Kind() == ast.KindCodeBlock || n.Kind() == ast.KindHTMLBlock) {
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				s := lines.At(i)
				code = append(code, [2]int{s.Start, s.Stop})
			}
		}
		return ast.WalkContinue, nil
	})
	inCode := func(pos int) bool {
		for _, r := range code {
			if pos >= r[0] && pos < r[1] {
				return true
			}
		}
		return false
	}
	candidates := inlineDests(src, inCode)
	used := make([]bool, len(candidates))
	for _, d := range dests {
		for i, c := range candidates {
			if used[i] || c.URL != d.url || d.url == "" {
				continue
			}
			used[i] = true
			c.Image = d.image
			if c.Image && c.Start > 0 && src[c.Start-1] == '!' {
				c.Start--
			} else if c.Image {
				c.Start, c.Stop, c.Label = -1, -1, ""
			}
			refs = append(refs, c)
			break
		}
	}
	sort.SliceStable(refs, func(i, j int) bool { return refPos(refs[i]) < refPos(refs[j]) })
	return refs
}

func refPos(r Ref) int {
	if r.Wiki {
		return r.Start
	}
	return r.DestStart
}

// inlineDests finds every "](destination" outside code, with the plain
// label before it when there is one.
func inlineDests(src string, inCode func(int) bool) []Ref {
	var out []Ref
	for i := 0; i+1 < len(src); i++ {
		if src[i] != ']' || src[i+1] != '(' || inCode(i) {
			continue
		}
		start, stop, raw, ok := scanDest(src, i+2)
		if !ok {
			continue
		}
		r := Ref{URL: raw, DestStart: start, DestStop: stop, Start: -1, Stop: -1}
		if end := closeParen(src, stop); end > 0 {
			if open := strings.LastIndexAny(src[:i], "[]|\n\r"); open >= 0 && src[open] == '[' && (open == 0 || src[open-1] != '[') {
				r.Start, r.Stop, r.Label = open, end, src[open+1:i]
			}
		}
		out = append(out, r)
	}
	return out
}

// scanDest reads a link destination at pos: "<…>" or a run without white
// space and with balanced parentheses. It returns where it is written and
// its value with backslash escapes removed.
func scanDest(src string, pos int) (start, stop int, dest string, ok bool) {
	for pos < len(src) && (src[pos] == ' ' || src[pos] == '\t') {
		pos++
	}
	if pos >= len(src) {
		return 0, 0, "", false
	}
	var b strings.Builder
	if src[pos] == '<' {
		for i := pos + 1; i < len(src); i++ {
			switch c := src[i]; {
			case c == '\n' || c == '\r' || c == '<':
				return 0, 0, "", false
			case c == '\\' && i+1 < len(src) && isPunct(src[i+1]):
				b.WriteByte(src[i+1])
				i++
			case c == '>':
				return pos, i + 1, b.String(), true
			default:
				b.WriteByte(c)
			}
		}
		return 0, 0, "", false
	}
	depth := 0
	i := pos
	for ; i < len(src); i++ {
		c := src[i]
		if c <= ' ' || c == 0x7f {
			break
		}
		if c == '\\' && i+1 < len(src) && isPunct(src[i+1]) {
			b.WriteByte(src[i+1])
			i++
			continue
		}
		if c == '(' {
			depth++
		}
		if c == ')' {
			if depth == 0 {
				break
			}
			depth--
		}
		b.WriteByte(c)
	}
	if i == pos || depth != 0 {
		return 0, 0, "", false
	}
	return pos, i, b.String(), true
}

// closeParen is the position after the ")" that closes a link whose
// destination ends at pos, when nothing but white space lies between;
// -1 otherwise (a title follows, say).
func closeParen(src string, pos int) int {
	for pos < len(src) && (src[pos] == ' ' || src[pos] == '\t') {
		pos++
	}
	if pos < len(src) && src[pos] == ')' {
		return pos + 1
	}
	return -1
}

func isPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

// Replace applies edits to src; edits must not overlap. Edits that
// overlap one before them are dropped.
func Replace(src string, edits []Edit) string {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].Start < edits[j].Start })
	var b strings.Builder
	last := 0
	for _, e := range edits {
		if e.Start < last || e.Stop < e.Start || e.Stop > len(src) {
			continue
		}
		b.WriteString(src[last:e.Start])
		b.WriteString(e.Text)
		last = e.Stop
	}
	b.WriteString(src[last:])
	return b.String()
}

// Destination writes a link destination so that Markdown reads it back
// as dest: in angle brackets when it holds white space or parentheses.
func Destination(dest string) string {
	if !strings.ContainsAny(dest, " \t()<>\\") {
		return dest
	}
	return "<" + strings.NewReplacer("\\", "\\\\", "<", "\\<", ">", "\\>").Replace(dest) + ">"
}
