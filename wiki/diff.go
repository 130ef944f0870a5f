package wiki

import (
	"strings"
	"time"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Change is one run of a diff.
type Change struct {
	Op   string // "equal", "insert" or "delete"
	Text string
}

// Diff is what changed between two texts. ByLine says that the texts were
// too long or too different to compare word by word in reasonable time, so
// they were compared line by line; pages say so to the reader.
type Diff struct {
	Changes []Change
	ByLine  bool
}

const (
	// wordDiffTokens bounds a word diff: a text of more tokens (words,
	// spaces, punctuation) on either side is compared by lines.
	wordDiffTokens = 60000
	// diffTimeout bounds each diff pass; a word diff that runs out of time
	// is redone by lines, a line diff that runs out gives coarser, still
	// correct changes.
	diffTimeout = 800 * time.Millisecond
)

// WordDiff compares two texts word by word, which reads far better for
// prose than a line diff: a changed word in a long paragraph shows as that
// word, not as the whole paragraph twice. Past the limits above it falls
// back to lines; the result is correct for texts of any size.
func WordDiff(from, to string) Diff {
	a, b := tokenize(from), tokenize(to)
	if len(a) <= wordDiffTokens && len(b) <= wordDiffTokens {
		if changes, ok := diffTokens(a, b, diffTimeout, true); ok {
			return Diff{Changes: changes}
		}
	}
	changes, _ := diffTokens(splitLines(from), splitLines(to), diffTimeout, true)
	return Diff{Changes: changes, ByLine: true}
}

// diffTokens diffs two token lists with diffmatchpatch, each distinct
// token encoded as one rune. cleanup makes it easier to read for people
// (small equalities between changes become part of them); a merge wants
// the exact changes. ok is false when the diff hit its deadline
// (the changes are then correct but coarse).
func diffTokens(a, b []string, timeout time.Duration, cleanup bool) (changes []Change, ok bool) {
	codes := map[string]rune{}
	var table []string
	encode := func(toks []string) ([]rune, bool) {
		out := make([]rune, len(toks))
		for i, tok := range toks {
			r, seen := codes[tok]
			if !seen {
				if len(table) >= maxCodes {
					return nil, false
				}
				r = codeOf(len(table))
				codes[tok] = r
				table = append(table, tok)
			}
			out[i] = r
		}
		return out, true
	}
	ra, okA := encode(a)
	rb, okB := encode(b)
	if !okA || !okB {
		// More distinct tokens than runes: say "all of it changed", which
		// is still true.
		return wholeChange(strings.Join(a, ""), strings.Join(b, "")), false
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = timeout
	start := time.Now()
	diffs := dmp.DiffMainRunes(ra, rb, false)
	ok = time.Since(start) < timeout
	if cleanup && len(diffs) < 2000 {
		diffs = dmp.DiffCleanupSemantic(diffs)
	}
	changes = make([]Change, 0, len(diffs))
	var sb strings.Builder
	for _, d := range diffs {
		sb.Reset()
		for _, r := range d.Text {
			sb.WriteString(table[indexOf(r)])
		}
		op := "equal"
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = "insert"
		case diffmatchpatch.DiffDelete:
			op = "delete"
		}
		if sb.Len() == 0 {
			continue
		}
		if n := len(changes); n > 0 && changes[n-1].Op == op {
			changes[n-1].Text += sb.String()
			continue
		}
		changes = append(changes, Change{Op: op, Text: sb.String()})
	}
	return changes, ok
}

// Token codes skip the surrogate range: diffmatchpatch turns runes into
// strings, which would replace a surrogate by U+FFFD and lose the token.
const (
	surrogateStart = 0xD800
	surrogateCount = 0x800
	maxCodes       = unicode.MaxRune + 1 - surrogateCount
)

func codeOf(i int) rune {
	if i >= surrogateStart {
		return rune(i + surrogateCount)
	}
	return rune(i)
}

func indexOf(r rune) int {
	if r >= surrogateStart+surrogateCount {
		return int(r) - surrogateCount
	}
	return int(r)
}

func wholeChange(from, to string) []Change {
	var out []Change
	if from == to {
		if from != "" {
			out = append(out, Change{Op: "equal", Text: from})
		}
		return out
	}
	if from != "" {
		out = append(out, Change{Op: "delete", Text: from})
	}
	if to != "" {
		out = append(out, Change{Op: "insert", Text: to})
	}
	return out
}

// splitLines splits text into lines, each with its line break.
func splitLines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
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
