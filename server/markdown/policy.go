package markdown

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

// Patterns for the attributes the renderer emits. Each one admits exactly
// the values goldmark or this package produce, nothing a user could steer
// into something else.
var (
	idAttr       = regexp.MustCompile(`^[A-Za-z0-9_:-]+$`)
	anchorClass  = regexp.MustCompile(`^(wikilink|wikilink wikilink--missing|glossary-term|file-number|footnote-ref|footnote-backref)$`)
	spanClass    = regexp.MustCompile(`^(wikilink|kern-sr-only|glossary-tip)$`)
	codeClass    = regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]+$`)
	anchorRole   = regexp.MustCompile(`^(doc-noteref|doc-backlink)$`)
	cellAlign    = regexp.MustCompile(`^(left|center|right)$`)
	emptyOrSelf  = regexp.MustCompile(`^(|checked|disabled)$`)
	checkboxType = regexp.MustCompile(`^checkbox$`)
	integerAttr  = regexp.MustCompile(`^[0-9]{1,9}$`)
	// anyText is for alt and title: bluemonday escapes attribute values on
	// output, and its Paragraph pattern would drop alt texts with quotes
	// or „German quotation marks“.
	anyText = regexp.MustCompile(`(?s)^.*$`)
	// imageSource admits http(s) and relative URLs only: bluemonday's scheme
	// list is global and includes mailto for links. A relative URL has no
	// ":" before its first "/", "?" or "#".
	imageSource = regexp.MustCompile(`^(?i:https?://|[^:/?#]*(?:[/?#]|$))`)
)

// newPolicy is a UGC-like policy written out element by element, so a review
// sees everything that can pass, extended only by what the renderer emits
// (ids, alignment, disabled checkboxes, footnotes, wiki links, glossary).
// No style, no event handlers, no classes outside the allow-lists.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()

	// URLs: http, https, mailto and relative; must parse (which also rejects
	// control characters and white space inside a scheme).
	p.RequireParseableURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	// External links: no ranking credit, no referrer leaking internal URLs
	// (noreferrer implies noopener).
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.RequireNoReferrerOnFullyQualifiedLinks(true)

	p.AllowElements("p", "br", "hr", "blockquote", "pre", "em", "strong", "del", "s", "sup", "sub", "ul", "li", "dl", "dt", "dd",
		"table", "thead", "tbody", "tfoot", "tr", "div", "span", "abbr")
	p.AllowAttrs("id").Matching(idAttr).OnElements("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup", "span")
	p.AllowElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("start").Matching(integerAttr).OnElements("ol")
	p.AllowElements("ol")
	p.AllowAttrs("class").Matching(codeClass).OnElements("code")
	p.AllowElements("code")
	p.AllowAttrs("align").Matching(cellAlign).OnElements("th", "td")
	p.AllowElements("th", "td")

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").Matching(anyText).OnElements("a", "img", "abbr")
	p.AllowAttrs("class").Matching(anchorClass).OnElements("a")
	p.AllowAttrs("role").Matching(anchorRole).OnElements("a")
	p.AllowAttrs("aria-describedby").Matching(idAttr).OnElements("a")

	p.AllowAttrs("src").Matching(imageSource).OnElements("img")
	p.AllowAttrs("alt").Matching(anyText).OnElements("img")

	// Task lists: goldmark emits disabled checkboxes; nothing else of forms.
	p.AllowAttrs("type").Matching(checkboxType).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(emptyOrSelf).OnElements("input")
	// The label that names a task's checkbox by its text.
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^task$`)).OnElements("label")
	// The scroll region around a table, named after its column headings.
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(footnotes|table-scroll)$`)).OnElements("div")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^(doc-endnotes|region)$`)).OnElements("div")
	p.AllowAttrs("tabindex").Matching(regexp.MustCompile(`^0$`)).OnElements("div")
	p.AllowAttrs("aria-label").Matching(anyText).OnElements("div")

	p.AllowAttrs("class").Matching(spanClass).OnElements("span")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^tooltip$`)).OnElements("span")
	return p
}
