// Package german splits German compound words into their parts with a
// word list, and writes the other spelling of words with umlauts and ß,
// for the search index's compounds field: a search for "Antrag" then finds
// "Bauantrag" and one for "Strasse" finds "Straße", whatever the search
// engine's own tokeniser does.
//
// The word list is the Debian package wngerman (/usr/share/dict/ngerman,
// igerman98 by Björn Jacke, GPL-2+). It is read at run time, not embedded.
package german

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinWordLen is the length in letters from which Compounds splits a word.
const MinWordLen = 8

// minPart is the shortest part, in letters: "Bau", "Amt", "Rat".
const minPart = 3

// maxWordBytes is the longest list entry kept; longer ones are compounds
// nobody searches for as a part.
const maxWordBytes = 60

// notParts are list entries that are never a part: prepositions, prefixes
// and suffixes that happen to be words too, so that "Vorschrift" is not
// "vor schrift", "Einwohner" not "ein wohner", "Wissenschaft" not
// "wissen schaft".
var notParts = []string{
	"ab", "an", "auf", "aus", "bei", "bis", "dar", "durch", "ein", "ent", "für", "gegen", "her", "hin",
	"hinter", "mit", "nach", "neben", "ohne", "über", "um", "ums", "unter", "von", "vom", "vor", "wider",
	"zu", "zum", "zur", "zwischen", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines",
	"und", "oder", "ich", "sie", "wir", "ihr", "ihn", "ihm", "uns", "man", "wer", "was", "wie",
	"ion", "ionen", "schaft", "schaften", "bar", "los", "lose", "loser", "losen", "sam", "ismus",
	"ist", "sei", "sein", "seine", "seiner", "seinen", "hat", "war", "wird", "nie", "nun", "nur",
	"ins", "ans", "aufs", "als", "auch", "ende", "enden", "ern", "eln", "ung", "tum", "heit", "keit",
	"samt", "nebst", "seit", "statt", "trotz", "fort", "hau", "bunde", "lande", "teuer", "gebung",
	"heraus", "herein", "hinaus", "hinein", "herum", "weiter", "zurück", "vorbei", "zusammen", "entgegen", "hinzu", "dazu", "davon", "daran", "darauf",
}

// sFugeAfter are endings after which German always puts a Fugen-s
// ("Ordnung-s-amt", "Sicherheit-s-lücke"): a split without it is wrong
// ("Ordnung-samt").
var sFugeAfter = []string{"ung", "heit", "keit", "schaft", "ion", "tät", "ling", "tum"}

// needsS reports whether part takes a Fugen-s before the next part.
func needsS(part string) bool {
	for _, e := range sFugeAfter {
		if strings.HasSuffix(part, e) {
			return true
		}
	}
	return false
}

// Splitter splits German compounds with a word list. It is read-only once
// built and safe for concurrent use.
type Splitter struct {
	blob  string   // the kept words, lower-case, one after the other
	slots []uint32 // open-addressing hash set: offset<<8 | length, 0 = empty
	mask  uint32
	n     int
}

// Load reads a word list with one word per line, such as
// /usr/share/dict/ngerman from the Debian package wngerman.
func Load(path string) (*Splitter, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("german: word list: %w", err)
	}
	defer f.Close()
	s := newSplitter()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		s.add(sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("german: read %s: %w", path, err)
	}
	if s.Len() == 0 {
		return nil, fmt.Errorf("german: %s holds no usable words", path)
	}
	return s.done(), nil
}

// NewSplitter builds a Splitter from words. It keeps words written in
// lower case or capitalised (no abbreviations like "ABC" or "BahnCard"),
// of German letters only, at least three letters long, lower-cased.
func NewSplitter(words []string) *Splitter {
	s := newSplitter()
	for _, w := range words {
		s.add(w)
	}
	return s.done()
}

// building is a Splitter being filled: words go into a growing buffer
// that done turns into the string blob.
type building struct {
	*Splitter
	buf     []byte
	blocked map[string]bool
}

func newSplitter() *building {
	b := &building{Splitter: &Splitter{slots: make([]uint32, 1<<10), mask: 1<<10 - 1}, blocked: make(map[string]bool, len(notParts))}
	for _, w := range notParts {
		b.blocked[w] = true
	}
	return b
}

// add adds a list entry if it is useful and new.
func (b *building) add(w string) {
	lw, ok := keep(strings.TrimSpace(w))
	if !ok || b.blocked[lw] || len(b.buf)+len(lw) >= 1<<24 { // offsets have 24 bits: 3.5 × ngerman
		return
	}
	if b.contains(lw) {
		return
	}
	if (b.n+1)*4 > len(b.slots)*3 { // keep the load factor ≤ 3/4
		b.grow()
	}
	o := uint32(len(b.buf))<<8 | uint32(len(lw))
	b.buf = append(b.buf, lw...)
	b.insert(o)
	b.n++
}

// contains is has for a Splitter being built.
func (b *building) contains(w string) bool {
	for h := hash(w) & b.mask; ; h = (h + 1) & b.mask {
		o := b.slots[h]
		if o == 0 {
			return false
		}
		if int(o&0xff) == len(w) && string(b.buf[o>>8:o>>8+o&0xff]) == w {
			return true
		}
	}
}

func (b *building) grow() {
	old := b.slots
	b.slots = make([]uint32, 2*len(old))
	b.mask = uint32(len(b.slots) - 1)
	for _, o := range old {
		if o != 0 {
			b.insert(o)
		}
	}
}

func (b *building) insert(o uint32) {
	w := b.buf[o>>8 : o>>8+o&0xff]
	for h := hash(string(w)) & b.mask; ; h = (h + 1) & b.mask {
		if b.slots[h] == 0 {
			b.slots[h] = o
			return
		}
	}
}

func (b *building) done() *Splitter {
	b.blob = string(b.buf)
	b.buf = nil
	return b.Splitter
}

// keep reports whether a list entry is useful, and its lower-case form.
func keep(w string) (string, bool) {
	if len(w) > maxWordBytes || utf8.RuneCountInString(w) < minPart {
		return "", false
	}
	for i, r := range w {
		switch {
		case isLower(r):
		case i == 0 && unicode.IsUpper(r) && isLower(unicode.ToLower(r)):
		default:
			return "", false // abbreviation, mixed case, digit, apostrophe, é …
		}
	}
	return strings.ToLower(w), true
}

// isLower reports whether r is a lower-case German letter.
func isLower(r rune) bool {
	return 'a' <= r && r <= 'z' || r == 'ä' || r == 'ö' || r == 'ü' || r == 'ß'
}

// Len is the number of words kept from the list.
func (s *Splitter) Len() int { return s.n }

// has reports whether the lower-case word w is in the list.
func (s *Splitter) has(w string) bool {
	if s == nil || len(s.slots) == 0 || len(w) < minPart || len(w) > maxWordBytes {
		return false
	}
	for h := hash(w) & s.mask; ; h = (h + 1) & s.mask {
		o := s.slots[h]
		if o == 0 {
			return false
		}
		if int(o&0xff) == len(w) && s.blob[o>>8:o>>8+o&0xff] == w {
			return true
		}
	}
}

// hash is FNV-1a.
func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// A linking element (Fuge) between two parts: "Verwaltung-s-verfahren",
// "Bund-es-amt", "Straße-n-verkehr", "Frau-en-beauftragte",
// "Kind-er-garten", "Herz-ens-wunsch". "-e" is left out on purpose: it makes
// too many wrong splits ("Tag-e-buch" is rare, "Bau-e-rn" is not).
var fugen = []string{"s", "es", "n", "en", "er", "ens", "ns"}

// split is one way to cut a word: its parts and how good it is.
type split struct {
	parts    []string
	wrong    int // parts that need a Fugen-s and have none
	shortest int // length in bytes of the shortest part with its Fuge
	fugen    int // Fugen used: "Grund-steuer" rather than "Grund-s-teuer"
	strips   int // genitives read as base form and Fuge: "Verkehr-s", not "Verkehrs"
	score    int // sum of the squared lengths of the parts with their Fugen
}

// better reports whether a is a better split than b: fewer parts, then a
// longer shortest part ("Fortbildungs-veranstaltung", not
// "Fort-bildungsveranstaltung"), then fewer Fugen ("Haus-halt", not
// "Hau-s-halt"), then base forms rather than genitives, then longer parts.
func better(a, b *split) bool {
	switch {
	case b == nil:
		return true
	case len(a.parts) != len(b.parts):
		return len(a.parts) < len(b.parts)
	case a.wrong != b.wrong:
		return a.wrong < b.wrong
	case a.shortest != b.shortest:
		return a.shortest > b.shortest
	case a.fugen != b.fugen:
		return a.fugen < b.fugen
	case a.strips != b.strips:
		return a.strips > b.strips
	}
	return a.score > b.score
}

// Split cuts a compound into the parts found in the word list, lower-case:
// "Bauantrag" → [bau antrag], "Verwaltungsverfahren" → [verwaltung
// verfahren]. Of all ways to cut it, it takes the one with the fewest and
// then the longest parts; a plural in front is followed by its singular,
// and a part that is a compound itself by its own parts:
// "Straßenverkehrsbehörde" → [straßenverkehr straßen straße verkehr
// behörde]. It returns nil for words that cannot be cut into at least two
// listed parts of three or more letters ("Bearbeitung", "Verfahren"),
// whether or not the word itself is in the list.
func (s *Splitter) Split(word string) []string {
	if s == nil || s.n == 0 {
		return nil
	}
	w := strings.ToLower(word)
	for _, r := range w {
		if !isLower(r) {
			return nil
		}
	}
	var out []string
	s.appendSplit(&out, w, 0)
	return out
}

// appendSplit appends the best split of w and, recursively, of its long
// parts, skipping parts already in out.
func (s *Splitter) appendSplit(out *[]string, w string, depth int) {
	best := s.best(w)
	if best == nil {
		return
	}
	add := func(p string) {
		if !slices.Contains(*out, p) {
			*out = append(*out, p)
		}
	}
	for i, p := range best.parts {
		add(p)
		// a plural before a Fuge-less join also as singular:
		// "Maßnahmen-plan" → "maßnahmen", "maßnahme"
		if stem, ok := strings.CutSuffix(p, "n"); ok && i < len(best.parts)-1 && strings.HasSuffix(stem, "e") && s.has(stem) {
			add(stem)
		}
		if depth < 3 && utf8.RuneCountInString(p) >= 2*minPart {
			s.appendSplit(out, p, depth+1)
		}
	}
}

// best finds the best split of the lower-case word w into two or more
// parts, or nil. It works from the end of the word: memo[i] is the best
// split of w[i:] into one or more parts.
func (s *Splitter) best(w string) *split {
	n := len(w)
	if utf8.RuneCountInString(w) < 2*minPart {
		return nil
	}
	memo := make([]*split, n+1)
	done := make([]bool, n+1)
	var solve func(i int) *split
	solve = func(i int) *split {
		if done[i] {
			return memo[i]
		}
		done[i] = true
		var best *split
		rest := w[i:]
		// the last part: the rest of the word as listed (not the whole word)
		if i > 0 && s.has(rest) {
			best = &split{parts: []string{rest}, shortest: len(rest), score: len(rest) * len(rest)}
		}
		// a leading part w[i:j], perhaps a Fuge w[j:k], then the rest
		for j := i + minPart; j <= n-minPart; j++ {
			if !utf8.RuneStart(w[j]) {
				continue
			}
			part := w[i:j]
			if !s.has(part) {
				continue
			}
			try := func(k, fugen, strips int, base string, wrong int) {
				if k > n-minPart {
					return
				}
				next := solve(k)
				if next == nil {
					return
				}
				span := k - i
				c := &split{
					parts:    append([]string{base}, next.parts...),
					wrong:    wrong + next.wrong,
					shortest: min(span, next.shortest),
					fugen:    fugen + next.fugen,
					strips:   strips + next.strips,
					score:    span*span + next.score,
				}
				if better(c, best) {
					best = c
				}
			}
			noS := 0
			if needsS(part) {
				noS = 1
			}
			try(j, 0, 0, part, noS)
			// a genitive listed as a word ("verkehrs") is better read as
			// base form and Fuge ("verkehr" + s), if the base is listed
			// and not too short ("haus" is not "hau" + s).
			for _, g := range []string{"es", "s"} {
				if b, ok := strings.CutSuffix(part, g); ok && utf8.RuneCountInString(b) >= minPart+2-len(g) && s.has(b) {
					try(j, 0, 1, b, 0)
					break
				}
			}
			for _, f := range fugen {
				if (f == "n" || f == "ns") != strings.HasSuffix(part, "e") && f[0] == 'n' {
					continue // -n and -ns follow an e ("Straße-n"), -en does not ("Frau-en")
				}
				if strings.HasPrefix(w[j:], f) {
					try(j+len(f), 1, 0, part, 0)
				}
			}
		}
		memo[i] = best
		return best
	}
	b := solve(0)
	if b == nil || len(b.parts) < 2 {
		return nil
	}
	return b
}

// Compounds is the value of the search document's compounds field for a
// text: the parts of every word of MinWordLen or more letters, and the
// spelling without umlauts and ß of every part and every word that has
// them ("straße" → "strasse", "behörde" → "behoerde"), each once,
// lower-case, separated by spaces. Works without a word list too: then only the
// other spellings are given.
func (s *Splitter) Compounds(text string) string {
	var b strings.Builder
	seen := make(map[string]bool)
	add := func(w string) {
		if seen[w] {
			return
		}
		seen[w] = true
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	words := make(map[string]bool)
	for f := range strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		w := strings.ToLower(f)
		if words[w] {
			continue
		}
		words[w] = true
		var parts []string
		if utf8.RuneCountInString(w) >= MinWordLen {
			parts = s.Split(w)
		}
		if len(parts) == 0 {
			if t, ok := Transliterate(w); ok {
				add(t)
			}
			continue
		}
		// The whole compound's other spelling too, after its parts: one
		// typing "Strassenverkehrsbehoerde" means the whole word.
		for _, p := range parts {
			add(p)
			if t, ok := Transliterate(p); ok {
				add(t)
			}
		}
		if t, ok := Transliterate(w); ok {
			add(t)
		}
	}
	return b.String()
}

var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ẞ", "SS")

// Transliterate writes w without umlauts and ß, as on a keyboard without
// them: "Straße" → "Strasse", "Behörde" → "Behoerde". ok is false when w
// has none.
func Transliterate(w string) (string, bool) {
	if !strings.ContainsAny(w, "äöüßÄÖÜẞ") {
		return w, false
	}
	return umlauts.Replace(w), true
}
