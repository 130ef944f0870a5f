package markdown

import (
	"bytes"
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// KindWikiLink is the goldmark node kind of a wiki link.
var KindWikiLink = ast.NewNodeKind("WikiLink")

// WikiLink is an inline node for [[space:Title|label]]. Its children are the
// label text; Href and Exists are filled in by Render before HTML rendering.
type WikiLink struct {
	ast.BaseInline
	Space string // as written; "" = current space
	Title string // trimmed

	Href        string
	Exists      bool
	MissingHint string

	start, stop int // the whole [[…]] in the source, for RewriteLinks
}

// Kind implements ast.Node.
func (n *WikiLink) Kind() ast.NodeKind { return KindWikiLink }

// Dump implements ast.Node.
func (n *WikiLink) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Space": n.Space, "Title": n.Title}, nil)
}

// spacePattern is the form of a space slug; anything else before a colon is
// part of the title ("Art. 3: Grundsätze").
var spacePattern = regexp.MustCompile(`^[a-z0-9-]+$`)

type wikiLinkParser struct{}

// Trigger implements parser.InlineParser.
func (p *wikiLinkParser) Trigger() []byte { return []byte{'['} }

// Parse implements parser.InlineParser. It returns nil for anything that is
// not a complete wiki link on one line, so the ordinary link parser gets it.
func (p *wikiLinkParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, seg := block.PeekLine()
	w, ok := scanWikiLink(line)
	if !ok {
		return nil
	}
	n := &WikiLink{Space: w.space, Title: w.title, start: seg.Start, stop: seg.Start + w.end}
	n.AppendChild(n, ast.NewTextSegment(text.NewSegment(seg.Start+w.labelStart, seg.Start+w.labelEnd)))
	block.Advance(w.end)
	return n
}

type scannedWikiLink struct {
	space, title         string
	labelStart, labelEnd int // label range in the line (the title if no label)
	end                  int // bytes consumed
}

// scanWikiLink reads "[[" target ["|" label] "]]" at the start of line.
// Target and label must not contain "[", "]" or a line break, the target
// also no "|".
func scanWikiLink(line []byte) (scannedWikiLink, bool) {
	var w scannedWikiLink
	if len(line) < 5 || line[0] != '[' || line[1] != '[' {
		return w, false
	}
	pipe, closeAt := -1, -1
scan:
	for i := 2; i < len(line); i++ {
		switch line[i] {
		case '\n', '\r', '[':
			return w, false
		case '|':
			if pipe >= 0 {
				return w, false
			}
			pipe = i
		case ']':
			if i+1 < len(line) && line[i+1] == ']' {
				closeAt = i
				break scan
			}
			return w, false
		}
	}
	if closeAt < 0 {
		return w, false
	}
	targetEnd := closeAt
	if pipe >= 0 {
		targetEnd = pipe
	}
	tStart, tEnd := trimRange(line, 2, targetEnd)
	if c := bytes.IndexByte(line[tStart:tEnd], ':'); c >= 0 {
		sStart, sEnd := trimRange(line, tStart, tStart+c)
		if spacePattern.Match(line[sStart:sEnd]) {
			w.space = string(line[sStart:sEnd])
			tStart, tEnd = trimRange(line, tStart+c+1, tEnd)
		}
	}
	if tStart == tEnd {
		return w, false
	}
	w.title = string(line[tStart:tEnd])
	w.labelStart, w.labelEnd = tStart, tEnd
	if pipe >= 0 {
		if lStart, lEnd := trimRange(line, pipe+1, closeAt); lStart < lEnd {
			w.labelStart, w.labelEnd = lStart, lEnd
		}
	}
	w.end = closeAt + 2
	return w, true
}

// trimRange narrows [start, end) of b by ASCII white space on both sides.
func trimRange(b []byte, start, end int) (int, int) {
	for start < end && isSpace(b[start]) {
		start++
	}
	for end > start && isSpace(b[end-1]) {
		end--
	}
	return start, end
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
