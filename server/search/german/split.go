package german

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// minPart is the shortest part, in letters: "Bau", "Amt", "Rat".
const minPart = 3

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
