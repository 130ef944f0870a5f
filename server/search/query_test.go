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
