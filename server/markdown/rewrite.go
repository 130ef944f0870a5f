package markdown

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// RewriteLinks returns src with the targets of its wiki links replaced where
// target says so, leaving everything else byte for byte as it was. target
// gets each link with Space as written ("" = the current space) and returns
// the link to write instead, or false to keep it. A label the author wrote
// stays; links in code are not links and stay too. A title that the link
// syntax cannot carry ("[", "]", "|", a line break) is not written: target
// should give another name of the page then, such as its slug.
func RewriteLinks(src string, target func(Link) (Link, bool)) string {
	source := []byte(src)
	doc := linksParser().Parse(text.NewReader(source))
	var b strings.Builder
	last := 0
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		w, ok := n.(*WikiLink)
		if !ok || !entering || w.stop <= w.start || w.start < last {
			return ast.WalkContinue, nil
		}
		to, ok := target(Link{Space: w.Space, Title: w.Title})
		if !ok || !Writable(to) {
			return ast.WalkContinue, nil
		}
		b.WriteString(src[last:w.start])
		b.WriteString("[[")
		if to.Space != "" {
			b.WriteString(to.Space + ":")
		}
		b.WriteString(to.Title)
		if label := labelOf(w, source); label != w.Title {
			b.WriteString("|" + label)
		}
		b.WriteString("]]")
		last = w.stop
		return ast.WalkSkipChildren, nil
	})
	b.WriteString(src[last:])
	return b.String()
}

// labelOf is the label as written: the text between "|" and "]]", or the
// title when there is none.
func labelOf(w *WikiLink, source []byte) string {
	raw := string(source[w.start:w.stop])
	if i := strings.IndexByte(raw, '|'); i >= 0 {
		return strings.TrimSpace(raw[i+1 : len(raw)-2])
	}
	return w.Title
}

// Writable reports whether a wiki link can name l: a title without
// brackets, pipes or line breaks, and with no "abc:" that would be read
// as a space.
func Writable(l Link) bool {
	if l.Title == "" || strings.TrimSpace(l.Title) != l.Title || strings.ContainsAny(l.Title, "[]|\n\r") {
		return false
	}
	if l.Space == "" {
		// "abc: def" without a space would be read as space "abc".
		before, _, found := strings.Cut(l.Title, ":")
		return !found || !spacePattern.MatchString(strings.TrimSpace(before))
	}
	return spacePattern.MatchString(l.Space)
}
