package markdown

import (
	"hash/maphash"
	"slices"

	"github.com/fachnetz/fachnetz/server/bounded"
)

// memoBytes bounds the renderings kept, counted by their source and
// output: a few hundred pages of the usual size.
const memoBytes = 16 << 20

// memo keeps recent renderings. A page is read far more often than it
// changes, and parsing, rendering and sanitising its text was most of what
// a page view cost. A rendering is reused only for the same source,
// options, glossary and set of file-number patterns (a set an admin
// changed is a new one), and only when every link and file address it
// resolved resolves to the same again: a page created or moved since, or
// a space the reader may not read, shows at once, as without the memo.
type memo struct {
	seed  maphash.Seed
	kept  *bounded.Map[uint64, *rendering]
	links *bounded.Map[uint64, keptLinks]
}

// keptLinks are the wiki links of a source.
type keptLinks struct {
	src   string
	links []Link
}

// linksBytes bounds the sources whose links are kept.
const linksBytes = 4 << 20

// rendering is one kept result with what it was rendered from.
type rendering struct {
	src, space, prefix, hint string
	glossary                 *glossaryIndex
	fileNumbers              *FileNumbers
	fileHint                 string
	links                    []resolvedLink
	urls                     []resolvedURL
	result                   Result
}

type resolvedLink struct {
	space, title, href string
	exists             bool
}

type resolvedURL struct {
	dest, href string
	ok         bool
}

func newMemo() *memo {
	return &memo{seed: maphash.MakeSeed(), kept: bounded.New[uint64](memoBytes, (*rendering).size),
		links: bounded.New[uint64](linksBytes, func(k keptLinks) int { return len(k.src) + 64*len(k.links) })}
}

func (m *memo) key(src string, opts Options) uint64 {
	var h maphash.Hash
	h.SetSeed(m.seed)
	for _, s := range []string{src, opts.CurrentSpace, opts.IDPrefix, opts.MissingHint, opts.FileNumberHint} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	return h.Sum64()
}

// get returns the kept rendering of src under opts, if it still holds.
func (m *memo) get(key uint64, src string, opts Options, glossary *glossaryIndex) (Result, bool) {
	r, _ := m.kept.Get(key)
	if r == nil || r.glossary != glossary || r.src != src || r.space != opts.CurrentSpace ||
		r.prefix != opts.IDPrefix || r.hint != opts.MissingHint ||
		r.fileNumbers != opts.FileNumbers || r.fileHint != opts.FileNumberHint {
		return Result{}, false
	}
	for _, l := range r.links {
		if href, exists := resolveLink(opts, l.space, l.title); href != l.href || exists != l.exists {
			return Result{}, false
		}
	}
	for _, u := range r.urls {
		if href, ok := resolveDest(opts, u.dest); href != u.href || ok != u.ok {
			return Result{}, false
		}
	}
	return r.result.clone(), true
}

// size is what a rendering holds, its slices and the map's entry
// counted at some 64 and 256 bytes.
func (r *rendering) size() int {
	res := r.result
	items := len(r.links) + len(r.urls) + len(res.Links) + len(res.Headings) + len(res.Warnings) + len(res.FileNumbers)
	return 256 + len(r.src) + len(res.HTML) + len(res.Text) + 64*items
}

// recording wraps the resolvers of opts so that every answer they give is
// kept with the rendering.
func recording(opts Options, r *rendering) Options {
	asked := opts
	opts.Resolve = func(space, title string) (string, bool) {
		href, exists := resolveLink(asked, space, title)
		r.links = append(r.links, resolvedLink{space, title, href, exists})
		return href, exists
	}
	opts.ResolveURL = func(dest string) (string, bool) {
		href, ok := resolveDest(asked, dest)
		r.urls = append(r.urls, resolvedURL{dest, href, ok})
		return href, ok
	}
	return opts
}

// resolveLink is what a wiki link resolves to: without Resolve, a label
// without address.
func resolveLink(opts Options, space, title string) (string, bool) {
	if opts.Resolve == nil {
		return "", true
	}
	return opts.Resolve(space, title)
}

func resolveDest(opts Options, dest string) (string, bool) {
	if opts.ResolveURL == nil {
		return "", false
	}
	return opts.ResolveURL(dest)
}

// clone copies the slices of a result, which callers may change.
func (res Result) clone() Result {
	res.Links = slices.Clone(res.Links)
	res.Headings = slices.Clone(res.Headings)
	res.Warnings = slices.Clone(res.Warnings)
	res.FileNumbers = slices.Clone(res.FileNumbers)
	return res
}

// Links returns the wiki links of src as the package's Links does, kept
// for the same source: a page view resolves the links of the same text
// each time.
func (r *Renderer) Links(src string) []Link {
	key := maphash.String(r.memo.seed, src)
	if k, ok := r.memo.links.Get(key); ok && k.src == src {
		return slices.Clone(k.links)
	}
	links := Links(src)
	r.memo.links.Put(key, keptLinks{src: src, links: links})
	return slices.Clone(links)
}
