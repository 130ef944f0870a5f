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

// FileNumberKey is the one-word form of a file number: its runs of
// letters and digits, lower-cased, joined by "x", after "az"; a word
// before the number such as "Az." or "Gz" is typed or left out at will
// and left out here ("VIS-AB-2026" keeps its letters). "Az. 12-345/2026"
// and "12 - 345 / 2026" are both "az12x345x2026". Meilisearch keeps such
// a word whole. "" when nothing is left.
func FileNumberKey(s string) string {
	s = strings.TrimSpace(s)
	if m := keyPrefix.FindStringIndex(s); m != nil {
		s = s[m[1]-1:]
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

// keyPrefix is a word before a number: "Az. ", "Gz:", "Az 1".
var keyPrefix = regexp.MustCompile(`^\pL+(?:[.:]+\s*|\s+)\d`)

// typedFileNumber is what in a query may be a file number: parts joined
// by separators, at least one of them with a digit (checked apart), such
// as "12-345/2026", "Az. 12-345/2026", "III/4.2-17" or "12 - 345 / 2026".
// Dates match too; their key finds nothing unless a pattern made one a
// file number.
var typedFileNumber = regexp.MustCompile(`[\pL\pN]+(?:\s*[-/.:_]\s*[\pL\pN]+)+`)

// queryFileNumbers are the keys of what a query writes like file numbers.
func queryFileNumbers(text string) []string {
	var typed []string
	for _, m := range typedFileNumber.FindAllString(text, 8) {
		if strings.ContainsFunc(m, unicode.IsDigit) {
			typed = append(typed, m)
		}
	}
	return FileNumberKeys(typed)
}
