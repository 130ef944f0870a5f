package search

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// File numbers (Aktenzeichen) are found as typed: Meilisearch splits
// "12-345/2026" at "-" and "/", and a search for it would rank a text
// that holds 12, 345 and 2026 anywhere as high as the one that holds the
// file number. The sources put the file numbers a text links (those its
// agency's patterns match) into the field file_numbers as keys of one
// word each, and a query that holds something written like a file number
// asks that field for its key first.

// FileNumberKey is the one-word form of a file number: its parts from the
// first digit on (a prefix such as "Az." is typed or left out at will),
// lower-cased, each run of letters and digits joined by "x", after "az".
// "Az. 12-345/2026" and "12 - 345 / 2026" are both "az12x345x2026".
// Meilisearch keeps such a word whole. "" when nothing is left.
func FileNumberKey(s string) string {
	if i := strings.IndexFunc(s, unicode.IsDigit); i > 0 {
		s = s[i:]
	}
	parts := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(parts) == 0 {
		return ""
	}
	return "az" + strings.Join(parts, "x")
}

// FileNumberKeys are the keys of file numbers, each once.
func FileNumberKeys(numbers []string) []string {
	var keys []string
	for _, n := range numbers {
		if k := FileNumberKey(n); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// typedFileNumber is what in a query may be a file number: a number
// followed by parts joined by separators, such as "12-345/2026",
// "III/4.2-17" or "12 - 345 / 2026". Dates match too; their key finds
// nothing unless a pattern made one a file number.
var typedFileNumber = regexp.MustCompile(`\d[\pL\pN]*(?:\s*[-/.:_]\s*[\pL\pN]+)+`)

// queryFileNumbers are the keys of what a query writes like file numbers.
func queryFileNumbers(text string) []string {
	return FileNumberKeys(typedFileNumber.FindAllString(text, 8))
}
