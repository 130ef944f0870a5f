package markdown

import (
	"bytes"
	"html"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	ghtml "github.com/yuin/goldmark/renderer/html"
)

// textBuffer is a bytes.Buffer that satisfies goldmark's util.BufWriter, so
// goldmark's own writer can fill it without a bufio layer.
type textBuffer struct{ bytes.Buffer }

func (b *textBuffer) Available() int { return b.Cap() - b.Len() }
func (b *textBuffer) Buffered() int  { return b.Len() }
func (b *textBuffer) Flush() error   { return nil }

// plainText returns the visible text of n, whitespace-collapsed. Text goes
// through goldmark's own writer (backslash escapes, entities) and is then
// unescaped again, so the result is exactly what a reader sees.
func plainText(n ast.Node, source []byte) string {
	w := &textBuffer{}
	writer := ghtml.DefaultWriter
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if c.Type() == ast.TypeBlock {
			_ = w.WriteByte(' ') // block boundaries separate words
		}
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			if c.IsRaw() {
				writer.RawWrite(w, c.Segment.Value(source))
			} else {
				writer.Write(w, c.Segment.Value(source))
			}
			if c.SoftLineBreak() || c.HardLineBreak() {
				_ = w.WriteByte(' ')
			}
		case *ast.String:
			if c.IsCode() {
				writer.RawWrite(w, c.Value)
			} else {
				writer.Write(w, c.Value)
			}
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if tn, ok := t.(*ast.Text); ok {
					writer.RawWrite(w, tn.Segment.Value(source))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			lines := c.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				writer.RawWrite(w, seg.Value(source))
			}
		case *ast.AutoLink:
			writer.RawWrite(w, c.Label(source))
		case *ast.HTMLBlock, *ast.RawHTML, *east.TaskCheckBox, *east.FootnoteLink, *east.FootnoteBacklink:
			// not shown: raw HTML is omitted, the rest is decoration
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return collapseSpace(html.UnescapeString(w.String()))
}

// collapseSpace trims s and turns every run of white space into one space.
func collapseSpace(s string) string {
	out := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			space = true
		} else {
			if space && len(out) > 0 {
				out = append(out, ' ')
			}
			space = false
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	return string(out)
}
