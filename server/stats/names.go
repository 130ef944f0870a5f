package stats

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// particles are words of names that are ordinary words as well: a query
// with "von" or "dr" names nobody. Everything else in a name counts, short
// names too ("Li", "Ng"): a query is better dropped than a person shown.
var particles = map[string]bool{
	"da": true, "de": true, "del": true, "den": true, "der": true, "di": true, "du": true, "la": true, "le": true,
	"van": true, "von": true, "zu": true, "zum": true, "zur": true, "und": true, "am": true, "an": true, "im": true, "in": true,
	"dr": true, "prof": true, "med": true, "ing": true, "jr": true, "sr": true,
}

// names are the folded parts of the names and handles of all accounts.
type names map[string]bool

func newNames(parts []string) names {
	n := names{}
	for _, p := range parts {
		// Each part, and each name written as one word: "O'Neill" is
		// "o", "neill" and "oneill".
		all := words(p)
		for _, token := range strings.Fields(p) {
			all = append(all, words(strings.Join(strings.FieldsFunc(token, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), ""))...)
		}
		for _, w := range all {
			for _, v := range w {
				if letters(v) >= 2 && !particles[v] {
					n[v] = true
				}
			}
		}
	}
	return n
}

// named reports whether a query has a word that is a part of someone's
// name.
func (n names) named(query string) bool {
	for _, w := range words(query) {
		for _, v := range w {
			if n[v] {
				return true
			}
		}
	}
	return false
}

// words splits on anything but letters and digits (spaces, hyphens,
// apostrophes, dots) and gives each word in its folded spellings: lower
// case, with ä, ö, ü, ß written ae, oe, ue, ss and, as people type them on
// a keyboard without umlauts, as a, o, u, ss; other accents dropped. A
// name and a query match when any spellings do: "Müller", "mueller" and
// "MULLER" are one name.
func words(s string) [][]string {
	var out [][]string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		w = norm.NFC.String(strings.ToLower(w))
		out = append(out, []string{stripAccents(umlauts.Replace(w)), stripAccents(strings.ReplaceAll(w, "ß", "ss"))})
	}
	return out
}

var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

func stripAccents(w string) string {
	w, _, _ = transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), w)
	return w
}

func letters(w string) int {
	n := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}
