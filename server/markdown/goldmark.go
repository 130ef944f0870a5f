package markdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// idPrefixAttr carries Options.IDPrefix on the document node for renderers
// that are configured once but need the per-render prefix.
const idPrefixAttr = "fachnetz-id-prefix"

// glossaryKey holds the per-render *glossary in the parser context. It is
// allocated once at start-up and never changed.
var glossaryKey = parser.NewContextKey()

// newGoldmark builds the one goldmark configuration. Raw HTML stays off
// (no html.WithUnsafe): goldmark replaces it with a comment that the
// sanitiser drops.
func newGoldmark() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(
				// An align attribute instead of style="text-align", because
				// the sanitiser allows no style attributes.
				extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute),
			),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
			extension.NewFootnote(extension.WithFootnoteIDPrefixFunction(footnoteIDPrefix)),
		),
		goldmark.WithParserOptions(
			parser.WithInlineParsers(
				// Before the link parser (200) so that "[[" is not taken as
				// the start of an ordinary link; after code spans by trigger.
				util.Prioritized(&wikiLinkParser{}, 150),
			),
			parser.WithASTTransformers(
				// Before the glossary, which leaves file numbers alone.
				util.Prioritized(&fileNumberTransformer{}, 990),
				// After the footnote transformer (999) has moved footnote
				// texts to the end, so "first use" follows reading order.
				util.Prioritized(&glossaryTransformer{}, 1000),
				util.Prioritized(&a11yTransformer{}, 1100),
			),
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(
				util.Prioritized(&nodeRenderer{}, 500),
				util.Prioritized(&a11yRenderer{}, 500),
			),
		),
	)
}

// footnoteIDPrefix gives footnote ids (fn:1, fnref:1) the render's IDPrefix.
func footnoteIDPrefix(n ast.Node) []byte {
	doc := n.OwnerDocument()
	if doc == nil {
		return nil
	}
	if v, ok := doc.AttributeString(idPrefixAttr); ok {
		if b, ok := v.([]byte); ok {
			return b
		}
	}
	return nil
}
