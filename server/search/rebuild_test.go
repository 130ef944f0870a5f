package search

import (
	"testing"

	"github.com/fachnetz/fachnetz/server/search/german"
)

// A rebuild splits each word once and puts a document's compound parts
// together from the words' answers: the result must be what the splitter
// gives for the whole text, parts in the same order and each once.
func TestJoinCompoundsIsCompoundsOfTheText(t *testing.T) {
	sp := german.NewSplitter([]string{"Bau", "Antrag", "Straße", "Verkehr", "Behörde", "Dienst", "Reise", "Verwaltung", "Verfahren", "Amt"})
	texts := []string{
		"",
		"Der Bauantrag geht an die Straßenverkehrsbehörde.\nBAUANTRAG, bauantrag; Bauamt und Bauamt",
		"Dienstreiseantrag: Verwaltungsverfahren – Grüße aus dem Straßenverkehrsamt, Ölförderung 2024",
		"Reise reise REISE Dienstreise",
		"Bauantrag und Dienstreiseantrag im Straßenverkehrsamt der Straßenverkehrsbehörde",
	}
	memo := newMemo(sp.Compounds, 4)
	for _, text := range texts {
		want := sp.Compounds(text)
		if got := joinCompounds(text, memo.get); got != want {
			t.Errorf("joinCompounds(%q) = %q, want %q", text, got, want)
		}
	}
	if want := "bau antrag straße strasse verkehr behörde behoerde strassenverkehrsbehoerde"; sp.Compounds(texts[1]) != want {
		t.Errorf("the splitter gives %q, want %q: the comparison above would prove nothing", sp.Compounds(texts[1]), want)
	}
}
