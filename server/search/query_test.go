package search

import "testing"

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
