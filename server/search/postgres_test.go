package search

import "testing"

func TestTyposCountASwapAsOne(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"dienstreise", "dienstreise", 0},
		{"dinstreise", "dienstreise", 1},
		{"dienstriese", "dienstreise", 1},
		{"gebuehren", "gebühren", 2},
		{"vergabb", "vergabe", 1},
		// Longer than the words measured without allocating.
		{"donaudampfschifffahrtsgesellschaftskapitän", "donaudampfschifffahrtsgesellschaftskapitaen", 2},
		{"donaudampfschifffahrtsgesellschaftskapitän", "dnoaudampfschifffahrtsgesellschaftskapitän", 1},
	} {
		if got := typos(c.a, c.b); got != c.want {
			t.Errorf("typos(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestTSQueriesNeedEveryTermOrAnyWord(t *testing.T) {
	terms := []term{
		{alts: [][]string{{"bauantragsverfahren"}, {"bauantrag", "bau", "antrag", "verfahren"}}},
		{alts: [][]string{{"dinstreise"}, {"dienstreise"}, {"dinstreise:*"}}},
	}
	strict, loose := tsQueries(terms, [][]string{{"e", "akte"}})
	if want := "((bauantragsverfahren | (bauantrag & bau & antrag & verfahren)) & (dinstreise | dienstreise | dinstreise:*)) | (e & akte)"; strict != want {
		t.Errorf("strict:\n%s\nwant\n%s", strict, want)
	}
	if want := "bauantragsverfahren | bauantrag | bau | antrag | verfahren | dinstreise | dienstreise | dinstreise:* | e | akte"; loose != want {
		t.Errorf("loose:\n%s\nwant\n%s", loose, want)
	}
}

func TestWithinTyposAgreesWithTheDistance(t *testing.T) {
	words := []string{"antrag", "antrga", "anträge", "bauantrag", "bauantraege", "gebühren", "gebuehren", "a", "", "widerspruch", "wiederspruch"}
	for _, a := range words {
		for _, b := range words {
			for budget := 0; budget <= 2; budget++ {
				if got, want := withinTypos(a, b, budget), typos(a, b) <= budget; got != want {
					t.Errorf("withinTypos(%q, %q, %d) = %v, the distance says %v", a, b, budget, got, want)
				}
			}
		}
	}
}
