package search

import (
	"html"
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
	compounds func(string) string
}

func (s *Service) newTerms(query string) terms {
	t := terms{compounds: s.wordParts.get}
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
func (t terms) highlight(marked string) template.HTML {
	type span struct {
		text   string
		word   bool
		marked bool
	}
	var spans []span
	on := false
	var cur strings.Builder
	curWord, curMarked := false, false
	flush := func() {
		if cur.Len() > 0 {
			spans = append(spans, span{cur.String(), curWord, curMarked})
			cur.Reset()
		}
		curMarked = false
	}
	for _, r := range marked {
		switch string(r) {
		case markOpen:
			on = true
			continue
		case markClose:
			on = false
			continue
		}
		word := !notWordRune(r)
		if word != curWord {
			flush()
			curWord = word
		}
		cur.WriteRune(r)
		if on && word {
			curMarked = true
		}
	}
	flush()
	var b strings.Builder
	for _, sp := range spans {
		if sp.word && (sp.marked || t.partMatches(sp.text)) {
			b.WriteString("<mark>" + html.EscapeString(sp.text) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(sp.text))
		}
	}
	return template.HTML(b.String()) //nolint:gosec // every piece escaped above
}

// partMatches reports whether one of the compound parts of word matches
// a query word the way Meilisearch matched it in the compounds field:
// equal, within its typo budget, or, for the last query word, as a prefix.
func (t terms) partMatches(word string) bool {
	if len(t.words) == 0 || utf8.RuneCountInString(word) < 6 {
		return false
	}
	for _, part := range strings.Fields(t.compounds(word)) {
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
