package markdown

import (
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// textRuns returns the runs of sibling Text nodes of doc outside links,
// code, headings and the markup of this package's extensions: the text
// that glossary terms and file numbers are found in. goldmark splits the
// text of a paragraph into several Text nodes (at line breaks and at
// characters some inline parser looked at), so matches are sought on
// runs of them. Collected first and changed afterwards: inserting nodes
// during ast.Walk would visit them again.
func textRuns(doc ast.Node) [][]*ast.Text {
	var firsts []*ast.Text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindHeading, ast.KindLink, ast.KindAutoLink, ast.KindImage,
			ast.KindCodeSpan, ast.KindCodeBlock, ast.KindFencedCodeBlock,
			ast.KindHTMLBlock, ast.KindRawHTML, KindWikiLink, KindGlossaryTerm, KindFileNumber,
			east.KindFootnoteLink, east.KindFootnoteBacklink:
			return ast.WalkSkipChildren, nil
		case ast.KindText:
			if p := n.PreviousSibling(); p == nil || p.Kind() != ast.KindText {
				firsts = append(firsts, n.(*ast.Text))
			}
		}
		return ast.WalkContinue, nil
	})
	runs := make([][]*ast.Text, 0, len(firsts))
	for _, first := range firsts {
		var run []*ast.Text
		for s := ast.Node(first); s != nil && s.Kind() == ast.KindText; s = s.NextSibling() {
			run = append(run, s.(*ast.Text))
		}
		runs = append(runs, run)
	}
	return runs
}

// runBreak stands in the logical text of a run where two nodes are not
// adjacent in the source (an escape or an entity lies between them).
const runBreak = 0x01

// readRun returns the logical text of a run: the nodes' text joined by
// what separates them, nothing if they are adjacent in the source, a
// space for a line break, and runBreak otherwise. offsets[i] is where
// node i starts. prev and after are the runes around the run in the
// source, which decide whether it starts or ends inside a word (goldmark
// also splits text at "_" or "*"). The buffers are reused. ok is false
// for padded segments, which do not map 1:1 to source offsets.
func readRun(run []*ast.Text, source, logical []byte, offsets []int) (_ []byte, _ []int, prev, after rune, ok bool) {
	for i, n := range run {
		seg := n.Segment
		if seg.Padding != 0 {
			return logical, offsets, 0, 0, false
		}
		if i > 0 {
			prev := run[i-1]
			switch {
			case prev.SoftLineBreak() || prev.HardLineBreak():
				logical = append(logical, ' ')
			case prev.Segment.Stop != seg.Start:
				logical = append(logical, runBreak)
			}
		}
		offsets = append(offsets, len(logical))
		logical = append(logical, seg.Value(source)...)
	}
	prev, after = utf8.RuneError, utf8.RuneError
	if s := run[0].Segment.Start; s > 0 && s <= len(source) {
		prev, _ = utf8.DecodeLastRune(source[:s])
	}
	if s := run[len(run)-1].Segment.Stop; s < len(source) {
		after, _ = utf8.DecodeRune(source[s:])
	}
	return logical, offsets, prev, after, true
}

// wrapSpans replaces the nodes of a run by pieces cut at the span
// boundaries (ordered, not overlapping, in the logical text), putting the
// pieces inside span k into the node wrap(k) returns. The last piece of a
// node keeps the node's line break.
func wrapSpans(run []*ast.Text, offsets []int, spans [][2]int, wrap func(k int) ast.Node) {
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
	var open ast.Node // the wrapper of spans[si], once made
	for i, n := range run {
		start, stop := offsets[i], offsets[i]+n.Segment.Len()
		for pos := start; pos < stop || pos == start; {
			end := stop
			inSpan := false
			if si < len(spans) {
				switch sp := spans[si]; {
				case pos < sp[0]:
					end = min(stop, sp[0])
				default:
					end = min(stop, sp[1])
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
				if open == nil {
					open = wrap(si)
					insert(open)
				}
				open.AppendChild(open, piece)
				if end == spans[si][1] {
					si++
					open = nil
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
