package wiki

import (
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestWordDiff(t *testing.T) {
	got := WordDiff("Der Antrag ist bis Freitag einzureichen.", "Der Bauantrag ist bis Montag einzureichen.")
	want := []Change{
		{"equal", "Der "},
		{"delete", "Antrag"},
		{"insert", "Bauantrag"},
		{"equal", " ist bis "},
		{"delete", "Freitag"},
		{"insert", "Montag"},
		{"equal", " einzureichen."},
	}
	if !reflect.DeepEqual(got.Changes, want) || got.ByLine {
		t.Fatalf("WordDiff = %#v", got)
	}
	if d := WordDiff("gleich", "gleich"); len(d.Changes) != 1 || d.Changes[0].Op != "equal" {
		t.Fatalf("equal texts: %#v", d)
	}
	from, to := "Zeile eins\nZeile zwei mit Ümlaut", "Zeile eins\nneue Zeile zwei mit Umlaut\n"
	checkReassembles(t, WordDiff(from, to), from, to)
}

// checkReassembles: putting the runs of either side together gives back
// that side.
func checkReassembles(t *testing.T, d Diff, from, to string) {
	t.Helper()
	var a, b strings.Builder
	for _, c := range d.Changes {
		if c.Op != "insert" {
			a.WriteString(c.Text)
		}
		if c.Op != "delete" {
			b.WriteString(c.Text)
		}
	}
	if a.String() != from || b.String() != to {
		t.Fatalf("changes do not reassemble the texts (%d / %d bytes instead of %d / %d)", a.Len(), b.Len(), len(from), len(to))
	}
}

// largeTexts are two texts of words words, drawn from distinct distinct
// words, ten to a line; the second differs in about one line in twenty.
func largeTexts(words, distinct int) (string, string) {
	rnd := rand.New(rand.NewSource(11))
	var a, b strings.Builder
	for i := 0; i < words; i++ {
		w := "wort" + strconv.Itoa(i%distinct)
		if i >= distinct {
			w = "wort" + strconv.Itoa(rnd.Intn(distinct))
		}
		sep := " "
		if i%10 == 9 {
			sep = "\n"
		}
		a.WriteString(w + sep)
		switch line := i / 10; {
		case line%20 == 3:
			b.WriteString("neu" + strconv.Itoa(i) + sep)
		case line%37 == 5:
		default:
			b.WriteString(w + sep)
		}
	}
	return a.String(), b.String()
}

func TestWordDiffLargeTexts(t *testing.T) {
	from, to := largeTexts(200000, 80000)
	d := WordDiff(from, to)
	if !d.ByLine {
		t.Error("a diff of 200,000 words does not say that it compared lines")
	}
	checkReassembles(t, d, from, to)
}

// More distinct tokens than fit below the surrogate range: the encoding
// must not lose any of them.
func TestDiffTokensPastSurrogates(t *testing.T) {
	var a, b []string
	for i := 0; i < 70000; i++ {
		a = append(a, "w"+strconv.Itoa(i)+" ")
		if i%1000 != 0 {
			b = append(b, "w"+strconv.Itoa(i)+" ")
		}
	}
	from, to := strings.Join(a, ""), strings.Join(b, "")
	changes, _ := diffTokens(a, b, 0, true)
	checkReassembles(t, Diff{Changes: changes}, from, to)
	deleted := 0
	for _, c := range changes {
		if c.Op == "delete" {
			deleted += strings.Count(c.Text, " ")
		}
		if c.Op == "insert" {
			t.Fatalf("insertion where only words were deleted: %q", c.Text[:min(len(c.Text), 40)])
		}
	}
	if deleted != 70 {
		t.Fatalf("%d words deleted, want 70", deleted)
	}
}

func BenchmarkWordDiffLarge(b *testing.B) {
	from, to := largeTexts(200000, 80000)
	for b.Loop() {
		WordDiff(from, to)
	}
}

func BenchmarkWordDiffDistinct(b *testing.B) {
	var x, y strings.Builder
	for i := 0; i < 8000; i++ {
		x.WriteString("a" + strconv.Itoa(i) + " ")
		y.WriteString("b" + strconv.Itoa(i) + " ")
	}
	for b.Loop() {
		WordDiff(x.String(), y.String())
	}
}
