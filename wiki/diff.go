package wiki

import (
	"strings"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Change is one run of a word-level diff.
type Change struct {
	Op   string // "equal", "insert" or "delete"
	Text string
}

// WordDiff compares two texts word by word, which reads far better for
// prose than a line diff: a changed word in a long paragraph shows as that
// word, not as the whole paragraph twice. Each word, run of spaces and
// punctuation mark is encoded as one rune so the character diff of
// diffmatchpatch works on words.
func WordDiff(from, to string) []Change {
	tokens := map[string]rune{}
	var table []string
	encode := func(s string) []rune {
		var out []rune
		for _, tok := range tokenize(s) {
			r, ok := tokens[tok]
			if !ok {
				r = rune(len(table))
				tokens[tok] = r
				table = append(table, tok)
			}
			out = append(out, r)
		}
		return out
	}
	a, b := encode(from), encode(to)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // exact, the texts are at most a page
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(a, b, false))
	changes := make([]Change, 0, len(diffs))
	for _, d := range diffs {
		var sb strings.Builder
		for _, r := range d.Text {
			sb.WriteString(table[r])
		}
		op := "equal"
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = "insert"
		case diffmatchpatch.DiffDelete:
			op = "delete"
		}
		if n := len(changes); n > 0 && changes[n-1].Op == op {
			changes[n-1].Text += sb.String()
			continue
		}
		changes = append(changes, Change{Op: op, Text: sb.String()})
	}
	return changes
}

// tokenize splits text into words, runs of white space and single other
// characters.
func tokenize(s string) []string {
	var out []string
	start := -1
	kind := 0 // 1 word, 2 space
	flush := func(i int) {
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	for i, r := range s {
		k := 3
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			k = 1
		case unicode.IsSpace(r):
			k = 2
		}
		if k == 3 || k != kind {
			flush(i)
		}
		if k == 3 {
			out = append(out, string(r))
			kind = 0
			continue
		}
		if start < 0 {
			start = i
		}
		kind = k
	}
	flush(len(s))
	return out
}
