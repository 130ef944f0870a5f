package markdown

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// nodeRenderer writes the HTML of the node kinds this package adds.
// Every value that came from outside is escaped here; the sanitiser is the
// second line of defence, not the first.
type nodeRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindWikiLink, r.renderWikiLink)
	reg.Register(KindGlossaryTerm, r.renderGlossaryTerm)
	reg.Register(KindFileNumber, r.renderFileNumber)
}

func (r *nodeRenderer) renderWikiLink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*WikiLink)
	// A wiki link inside an ordinary link ("[see [[X]]](/y)") would nest
	// anchors; there only the label is shown.
	if insideLink(n) {
		return ast.WalkContinue, nil
	}
	// Without a target (no Resolve, or it gave no href) the label is plain
	// text, the same whether or not the page exists, so that a link into a
	// space the reader may not read tells nothing about it.
	if n.Href == "" {
		return ast.WalkContinue, nil
	}
	if entering {
		_, _ = w.WriteString(`<a class="wikilink`)
		if !n.Exists {
			_, _ = w.WriteString(` wikilink--missing`)
		}
		_, _ = w.WriteString(`" href="`)
		_, _ = w.Write(util.EscapeHTML(util.URLEscape([]byte(n.Href), false)))
		_, _ = w.WriteString(`">`)
		return ast.WalkContinue, nil
	}
	if !n.Exists {
		_, _ = w.WriteString(`<span class="kern-sr-only"> (`)
		_, _ = w.Write(util.EscapeHTML([]byte(n.MissingHint)))
		_, _ = w.WriteString(`)</span>`)
	}
	_, _ = w.WriteString(`</a>`)
	return ast.WalkContinue, nil
}

func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if k := p.Kind(); k == ast.KindLink || k == ast.KindAutoLink || k == KindWikiLink || k == KindFileNumber {
			return true
		}
	}
	return false
}

func (r *nodeRenderer) renderGlossaryTerm(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*GlossaryTerm)
	if entering {
		_, _ = w.WriteString(`<a class="glossary-term" href="/glossar#`)
		_, _ = w.WriteString(n.Slug) // slugify: [a-z0-9-] only
		_, _ = w.WriteString(`" aria-describedby="`)
		_, _ = w.WriteString(n.ID) // validated prefix + "gl-" + slug
		_, _ = w.WriteString(`">`)
		if n.Abbr {
			_, _ = w.WriteString(`<abbr title="`)
			_, _ = w.Write(util.EscapeHTML([]byte(n.Term)))
			_, _ = w.WriteString(`">`)
		}
		return ast.WalkContinue, nil
	}
	if n.Abbr {
		_, _ = w.WriteString(`</abbr>`)
	}
	_, _ = w.WriteString(`</a><span class="glossary-tip" role="tooltip" id="`)
	_, _ = w.WriteString(n.ID)
	_, _ = w.WriteString(`">`)
	_, _ = w.Write(util.EscapeHTML([]byte(n.Definition)))
	_, _ = w.WriteString(`</span>`)
	return ast.WalkContinue, nil
}
