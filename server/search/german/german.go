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
	"strings"
	"unicode/utf8"

	"github.com/fachnetz/fachnetz/server/search/distinct"
)

// MinWordLen is the length in letters from which Compounds splits a word.
const MinWordLen = 8

// Compounds is the value of the search document's compounds field for a
// text: the parts of every word of MinWordLen or more letters, and the
// spelling without umlauts and ß of every part and every word that has
// them ("straße" → "strasse", "behörde" → "behoerde"), each once,
// lower-case, separated by spaces. Works without a word list too: then only the
// other spellings are given.
func (s *Splitter) Compounds(text string) string { return distinct.Words(text, s.wordCompounds) }

// wordCompounds adds the parts and other spellings of one lower-case word.
func (s *Splitter) wordCompounds(w string, add func(string)) {
	var parts []string
	if utf8.RuneCountInString(w) >= MinWordLen {
		parts = s.Split(w)
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
