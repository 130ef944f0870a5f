// Package distinct joins what a text's words stand for into one field of a
// search document, as the index's compounds field holds them.
package distinct

import (
	"strings"
	"unicode"
)

// Words asks of each distinct lower-case word of text what to add for it,
// and joins all that is added, each once and in order, with spaces.
func Words(text string, of func(word string, add func(string))) string {
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
	asked := make(map[string]bool)
	for f := range strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		w := strings.ToLower(f)
		if !asked[w] {
			asked[w] = true
			of(w, add)
		}
	}
	return b.String()
}
