// Package markdown is the one Markdown renderer of Fachnetz: wiki pages and
// Q&A posts go through the same goldmark configuration (GFM, footnotes, wiki
// links, glossary terms, heading ids), raw HTML is never passed through, and
// the output is sanitised with a bluemonday policy that allows only what this
// renderer itself emits.
package markdown

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Term is a glossary entry to mark up in rendered text.
type Term struct {
	Slug          string   // anchor on the glossary page: /glossar#<Slug>
	Term          string   // e.g. "Vergabeverfahren"
	Abbreviations []string // e.g. ["OZG"] for "Onlinezugangsgesetz"
	Definition    string   // plain text
}

// Link is a wiki link found in the source: [[Title]], [[space:Title]],
// [[Title|label]] or [[space:Title|label]].
type Link struct {
	Space string // "" = the current space (Links); Render fills in Options.CurrentSpace
	Title string // as written, trimmed
}

// Options of one rendering.
type Options struct {
	// Resolve tells where a wiki link points and whether the page exists.
	// It is called once per distinct link; space is already defaulted to
	// CurrentSpace. For a missing page it should return the page-creation URL.
	// An empty href renders the label as plain text: no link, no hint, no
	// trace of whether the page exists (links into spaces the reader may not
	// read). A nil Resolve does the same for every link (previews without a
	// store).
	Resolve      func(space, title string) (href string, exists bool)
	CurrentSpace string
	Glossary     []Term
	// IDPrefix is prepended to generated heading, footnote and glossary ids so
	// that two rendered posts on one page (question + answers) never collide.
	// Only ASCII letters, digits, '-' and '_' are allowed.
	IDPrefix string
	// MissingHint is the screen-reader text appended to links to pages that
	// do not exist yet; the caller passes it from the translation catalogue.
	// Empty means the German default "Seite existiert noch nicht".
	MissingHint string
	// ResolveURL maps a relative link or image destination ("ablauf.png")
	// to an address, so that a page can name its attachments by file name.
	// ok=false leaves the destination as written.
	ResolveURL func(dest string) (href string, ok bool)
	// FileNumbers are the file-number patterns of the agency that owns
	// the text's space; each match becomes a link to the records system.
	// Nil: none.
	FileNumbers *FileNumbers
	// FileNumberHint is the screen-reader text after a linked file number,
	// "{label}" standing for the records system; the caller passes it from
	// the translation catalogue. Empty means the German default "in
	// {label} öffnen".
	FileNumberHint string
	// Once marks a text rendered once, such as the preview of a text being
	// typed: it is not kept (see memo), where it would only push out the
	// renderings of pages read again and again.
	Once bool
}

// Heading is a heading of the rendered document, for a table of contents.
type Heading struct {
	Level int
	ID    string // as in the HTML, IDPrefix included
	Text  string
}

// Warning is something the editor should point out; the source still renders.
type Warning struct {
	Kind   string // "image-without-alt" (Detail = image URL)
	Detail string
}

// Warning kinds.
const (
	WarnImageWithoutAlt = "image-without-alt"
)

// Result of one rendering.
type Result struct {
	HTML     template.HTML // safe: raw HTML off and sanitised
	Links    []Link        // distinct wiki links in order of appearance, Space defaulted
	Headings []Heading
	Warnings []Warning
	Text     string // plain visible text, whitespace-collapsed, for search and snippets
	// FileNumbers are the distinct file numbers linked, in order of
	// appearance.
	FileNumbers []FileNumber
}

// Renderer renders Markdown. It holds the goldmark instance and the
// sanitiser policy, both built once and only read afterwards, so one
// Renderer is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	// glossary is the matcher of the glossary last rendered with. Building
	// it costs more than rendering a short page, and the glossary changes
	// seldom; comparing the terms is cheap, so an edited glossary is in
	// force on the next render.
	glossary atomic.Pointer[glossaryIndex]
	memo     *memo
}

// glossaryIndex is the matcher for terms, built again only when they
// differ from the last ones.
func (r *Renderer) glossaryIndex(terms []Term) *glossaryIndex {
	if idx := r.glossary.Load(); idx != nil && sameTerms(idx.terms, terms) {
		return idx
	}
	idx := newGlossaryIndex(terms)
	r.glossary.Store(idx)
	return idx
}

// New builds the goldmark instance and the sanitiser policy.
func New() *Renderer {
	return &Renderer{md: newGoldmark(), policy: newPolicy(), memo: newMemo()}
}

// idPrefixPattern keeps IDPrefix inside what the sanitiser allows in ids, so a
// prefix can never be the reason an id is stripped.
var idPrefixPattern = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)

const defaultMissingHint = "Seite existiert noch nicht"

// Render turns Markdown into sanitised HTML plus what the wiki and Q&A areas
// store beside it (links, headings, text for search).
func (r *Renderer) Render(src string, opts Options) (Result, error) {
	if !idPrefixPattern.MatchString(opts.IDPrefix) {
		return Result{}, fmt.Errorf("markdown: render: invalid IDPrefix %q (allowed: A-Z a-z 0-9 - _)", opts.IDPrefix)
	}
	idx := r.glossaryIndex(opts.Glossary)
	if opts.Once {
		return r.render(src, opts, idx)
	}
	key := r.memo.key(src, opts)
	if res, ok := r.memo.get(key, src, opts, idx); ok {
		return res, nil
	}
	kept := &rendering{src: src, space: opts.CurrentSpace, prefix: opts.IDPrefix, hint: opts.MissingHint, glossary: idx,
		fileNumbers: opts.FileNumbers, fileHint: opts.FileNumberHint}
	res, err := r.render(src, recording(opts, kept), idx)
	if err != nil {
		return Result{}, err
	}
	kept.result = res.clone()
	r.memo.kept.Put(key, kept)
	return res, nil
}

// render renders without the memo.
func (r *Renderer) render(src string, opts Options, idx *glossaryIndex) (Result, error) {
	source := []byte(src)

	gloss := newGlossary(idx, opts.IDPrefix)
	pc := parser.NewContext()
	pc.Set(glossaryKey, gloss)
	fileHint := opts.FileNumberHint
	if fileHint == "" {
		fileHint = defaultFileNumberHint
	}
	files := &fileNumberMarks{set: opts.FileNumbers, hint: fileHint, seen: map[string]bool{}}
	pc.Set(fileNumbersKey, files)
	doc := r.md.Parser().Parse(text.NewReader(source), parser.WithContext(pc))
	// The footnote renderer has no per-render options; it reads the prefix
	// from the document (see footnoteIDPrefix).
	doc.SetAttributeString(idPrefixAttr, []byte(opts.IDPrefix))

	res := Result{}
	if err := r.annotate(doc, source, opts, gloss, &res); err != nil {
		return Result{}, fmt.Errorf("markdown: render: %w", err)
	}
	res.Text = plainText(doc, source)
	res.FileNumbers = files.found

	var buf bytes.Buffer
	buf.Grow(len(source) * 2)
	if err := r.md.Renderer().Render(&buf, source, doc); err != nil {
		return Result{}, fmt.Errorf("markdown: render HTML: %w", err)
	}
	res.HTML = template.HTML(r.policy.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitised just now
	return res, nil
}

// annotate walks the parsed document once: it assigns heading ids, resolves
// wiki links and collects headings, links and warnings.
func (r *Renderer) annotate(doc ast.Node, source []byte, opts Options, gloss *glossary, res *Result) error {
	ids := newIDs(opts.IDPrefix)
	// Glossary ids are fixed by slug, so headings must avoid them rather
	// than the other way round.
	for _, id := range gloss.usedIDs() {
		ids.reserve(id)
	}
	hint := opts.MissingHint
	if hint == "" {
		hint = defaultMissingHint
	}
	type target struct {
		href   string
		exists bool
	}
	resolved := map[Link]target{}

	return ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			txt := plainText(n, source)
			id := ids.generate(txt)
			n.SetAttributeString("id", []byte(id))
			res.Headings = append(res.Headings, Heading{Level: n.Level, ID: id, Text: txt})
		case *ast.Image:
			if plainText(n, source) == "" {
				res.Warnings = append(res.Warnings, Warning{Kind: WarnImageWithoutAlt, Detail: string(n.Destination)})
			}
			resolveURL(opts, &n.Destination)
		case *ast.Link:
			resolveURL(opts, &n.Destination)
		case *WikiLink:
			space := n.Space
			if space == "" {
				space = opts.CurrentSpace
			}
			key := Link{Space: space, Title: n.Title}
			t, seen := resolved[key]
			if !seen {
				t.href, t.exists = resolveLink(opts, space, n.Title)
				resolved[key] = t
				res.Links = append(res.Links, key)
			}
			n.Href, n.Exists, n.MissingHint = t.href, t.exists, hint
		}
		return ast.WalkContinue, nil
	})
}

// resolveURL rewrites a relative destination through opts.ResolveURL;
// addresses with a scheme, absolute paths and fragments stay as written.
func resolveURL(opts Options, dest *[]byte) {
	d := string(*dest)
	if opts.ResolveURL == nil || !relative(d) {
		return
	}
	if href, ok := resolveDest(opts, d); ok {
		*dest = []byte(href)
	}
}

// relative reports whether a link destination is a path relative to the
// page: no scheme, no host, not absolute, no bare query or fragment.
func relative(d string) bool {
	if d == "" || strings.ContainsAny(d[:1], "/#?\\") {
		return false
	}
	u, err := url.Parse(d)
	return err == nil && u.Scheme == "" && u.Host == ""
}

// LocalDest is a relative link destination as a path (unescaped), or
// false for addresses with a scheme, absolute paths, queries and
// fragments: the destinations resolveURL would resolve.
func LocalDest(dest string) (string, bool) {
	if !relative(dest) {
		return "", false
	}
	if u, err := url.PathUnescape(dest); err == nil {
		dest = u
	}
	return dest, true
}

// linksParser is the parser behind Links. It is built on first use and only
// read afterwards; goldmark parsers are safe for concurrent use.
var linksParser = sync.OnceValue(func() parser.Parser { return newGoldmark().Parser() })

// Links returns the distinct wiki links of a source in order of appearance
// without rendering, for storing outgoing links. Space is "" for links to the
// current space. Links in code spans and code blocks are not links.
func Links(src string) []Link {
	source := []byte(src)
	doc := linksParser().Parse(text.NewReader(source))
	var links []Link
	seen := map[Link]bool{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if w, ok := n.(*WikiLink); ok && entering {
			l := Link{Space: w.Space, Title: w.Title}
			if !seen[l] {
				seen[l] = true
				links = append(links, l)
			}
		}
		return ast.WalkContinue, nil
	})
	return links
}
