package markdown

import (
	"hash/maphash"
	"slices"
	"sync"
)

// memoBytes bounds the renderings kept, counted by their source and
// output: a few hundred pages of the usual size.
const memoBytes = 16 << 20

// memo keeps recent renderings. A page is read far more often than it
// changes, and parsing, rendering and sanitising its text was most of what
// a page view cost. A rendering is reused only for the same source,
// options and glossary, and only when every link and file address it
// resolved resolves to the same again: a page created or moved since, or
// a space the reader may not read, shows at once, as without the memo.
type memo struct {
	seed    maphash.Seed
	mu      sync.Mutex
	entries map[uint64]*rendering
	bytes   int
}

// rendering is one kept result with what it was rendered from.
type rendering struct {
	src, space, prefix, hint string
	glossary                 *glossaryIndex
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

func newMemo() *memo { return &memo{seed: maphash.MakeSeed(), entries: map[uint64]*rendering{}} }

func (m *memo) key(src string, opts Options) uint64 {
	var h maphash.Hash
	h.SetSeed(m.seed)
	for _, s := range []string{src, opts.CurrentSpace, opts.IDPrefix, opts.MissingHint} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	return h.Sum64()
}

// get returns the kept rendering of src under opts, if it still holds.
// The resolvers are asked outside the lock: they are the caller's.
func (m *memo) get(key uint64, src string, opts Options, glossary *glossaryIndex) (Result, bool) {
	m.mu.Lock()
	r := m.entries[key]
	m.mu.Unlock()
	if r == nil || r.glossary != glossary || r.src != src || r.space != opts.CurrentSpace ||
		r.prefix != opts.IDPrefix || r.hint != opts.MissingHint {
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

func (m *memo) put(key uint64, r *rendering) {
	size := r.size()
	if size > memoBytes/8 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old := m.entries[key]; old != nil {
		m.bytes -= old.size()
	}
	for k, e := range m.entries { // map order is random: a random eviction
		if m.bytes+size <= memoBytes {
			break
		}
		m.bytes -= e.size()
		delete(m.entries, k)
	}
	m.entries[key] = r
	m.bytes += size
}

func (r *rendering) size() int {
	return len(r.src) + len(r.result.HTML) + len(r.result.Text) + 64*(len(r.links)+len(r.urls)+len(r.result.Headings))
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
	return res
}
