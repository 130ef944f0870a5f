package search

import (
	"html/template"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// terms are the words of a query, lower-case, each also without umlauts
// and ß, for marking the words of a snippet that match them.
type terms struct {
	words     []string
	last      string // read as a prefix, as Meilisearch does
	compounds func([]byte) string
}

func (s *Service) newTerms(query string) terms {
	t := terms{compounds: s.wordParts.getBytes}
	for _, w := range strings.FieldsFunc(strings.ToLower(query), notWordRune) {
		if isStopWord[w] {
			continue
		}
		t.words = append(t.words, w)
		t.last = w
		if o, ok := transliterate(w); ok {
			t.words = append(t.words, o)
		}
	}
	return t
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

func transliterate(w string) (string, bool) {
	o := umlauts.Replace(w)
	return o, o != w
}

// highlight turns a snippet with Meilisearch's markers into safe HTML in
// which every <mark> covers whole words. Meilisearch marks what matched:
// the prefix of a word ("<mark>Dienst</mark>reise" for "Dienst"), or
// nothing at all when a word matched through its parts in the compounds
// field ("Bauantrag" for "Antrag"). So a mark inside a word is widened to
// the word, a compound whose part matches a query word is marked whole,
// and a mark on anything but letters and digits is dropped.
//
// It is called for every hit of every search, so it writes the snippet in
// one pass, without holding its pieces.
func (t terms) highlight(marked string) template.HTML {
	var b strings.Builder
	b.Grow(len(marked) + 64)
	var buf [64]byte
	word := buf[:0] // the letters of the word being read, without markers
	on, wordMarked := false, false
	for _, r := range marked {
		switch string(r) {
		case markOpen:
			on = true
			continue
		case markClose:
			on = false
			continue
		}
		if !notWordRune(r) {
			word = utf8.AppendRune(word, r)
			wordMarked = wordMarked || on
			continue
		}
		t.writeWord(&b, word, wordMarked)
		word, wordMarked = word[:0], false
		writeEscaped(&b, r)
	}
	t.writeWord(&b, word, wordMarked)
	return template.HTML(b.String()) //nolint:gosec // words are letters and digits, everything else is escaped
}

// writeWord writes a word, marked if Meilisearch marked any of it or one
// of its parts matches. Letters and digits need no escaping.
func (t terms) writeWord(b *strings.Builder, word []byte, marked bool) {
	if len(word) == 0 {
		return
	}
	if marked || t.partMatches(word) {
		b.WriteString("<mark>")
		b.Write(word)
		b.WriteString("</mark>")
		return
	}
	b.Write(word)
}

// writeEscaped writes r as html.EscapeString would.
func writeEscaped(b *strings.Builder, r rune) {
	switch r {
	case '&':
		b.WriteString("&amp;")
	case '\'':
		b.WriteString("&#39;")
	case '<':
		b.WriteString("&lt;")
	case '>':
		b.WriteString("&gt;")
	case '"':
		b.WriteString("&#34;")
	default:
		b.WriteRune(r)
	}
}

// partMatches reports whether one of the compound parts of word matches
// a query word the way Meilisearch matched it in the compounds field:
// equal, within its typo budget, or, for the last query word, as a prefix.
func (t terms) partMatches(word []byte) bool {
	if len(t.words) == 0 || utf8.RuneCount(word) < 6 {
		return false
	}
	for part := range strings.FieldsSeq(t.compounds(word)) {
		for _, w := range t.words {
			if part == w || w == t.last && utf8.RuneCountInString(w) >= 3 && strings.HasPrefix(part, w) ||
				withinTypos(w, part, typoBudget(w)) {
				return true
			}
		}
	}
	return false
}

// memoWords bounds the words a memo holds: a few megabytes.
const memoWords = 50000

// memo remembers the answers of a function of one word. When full it
// starts afresh: the words of snippets that recur are few, and they come
// back at once.
type memo struct {
	fn   func(string) string
	size int
	mu   sync.Mutex
	m    map[string]string
}

func newMemo(fn func(string) string, size int) *memo {
	return &memo{fn: fn, size: size, m: map[string]string{}}
}

func (m *memo) get(word string) string {
	if m.fn == nil {
		return ""
	}
	m.mu.Lock()
	v, ok := m.m[word]
	m.mu.Unlock()
	if ok {
		return v
	}
	v = m.fn(word)
	m.mu.Lock()
	if len(m.m) >= m.size {
		clear(m.m)
	}
	m.m[word] = v
	m.mu.Unlock()
	return v
}

// getBytes is get for a word held as bytes, which costs no copy of it
// when the memo knows it.
func (m *memo) getBytes(word []byte) string {
	if m.fn == nil {
		return ""
	}
	m.mu.Lock()
	v, ok := m.m[string(word)]
	m.mu.Unlock()
	if ok {
		return v
	}
	return m.get(string(word))
}
