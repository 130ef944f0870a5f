package search

import (
	"strings"
	"testing"
)

func TestQueryText(t *testing.T) {
	cases := map[string]string{
		"Wie beantrage ich eine Dienstreise?": "beantrage dienstreise?",
		"Dienstreise wie":                     "dienstreise",
		"wer":                                 "wer",
		"  Vergabe   UVgO ":                   "vergabe uvgo",
	}
	for in, want := range cases {
		if got := queryText(in); got != want {
			t.Errorf("queryText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLongestWords(t *testing.T) {
	words := []string{"dauert", "baugenehmigung", "bau", "genehmigung", "frist"}
	got := longestWords(words, 3)
	want := []string{"dauert", "baugenehmigung", "genehmigung"}
	if len(got) != len(want) {
		t.Fatalf("longestWords = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("longestWords = %q, want %q", got, want)
		}
	}
	if got := longestWords(words[:2], 3); len(got) != 2 {
		t.Errorf("longestWords of two = %q, want both", got)
	}
}

func TestWordQueries(t *testing.T) {
	parts := map[string]string{
		"baustellen anordnungen": "baust ellen",
		"befreiung gebühren":     "gebuehren",
		"bauantragsverfahren":    "bauantrag bau antrag verfahren",
		"bürgeramt":              "bürger buerger amt buergeramt",
	}
	s := &Service{cfg: Config{Compounds: func(text string) string { return parts[text] }}}
	for text, want := range map[string]string{
		// Parts shorter than five letters get no query of their own.
		"baustellen anordnungen": "baustellen anordnungen",
		// One spelling of each word.
		"befreiung gebühren": "befreiung gebühren",
		// Not the whole query again.
		"bauantragsverfahren": "bauantrag antrag verfahren",
		"bürgeramt":           "",
		// A single word without parts has nothing to add.
		"vergabe": "",
	} {
		if got := strings.Join(s.wordQueries(text), " "); got != want {
			t.Errorf("wordQueries(%q) = %q, want %q", text, got, want)
		}
	}
}
