package distinct

import (
	"slices"
	"testing"
)

func TestWordsAsksOncePerWordAndAddsOnce(t *testing.T) {
	var asked []string
	got := Words("Straßenverkehr, STRASSENVERKEHR und Straßenverkehr-Amt 2026", func(w string, add func(string)) {
		asked = append(asked, w)
		switch w {
		case "straßenverkehr":
			add("straße")
			add("verkehr")
		case "amt":
			add("verkehr") // already added: not again
			add("amt")
		}
	})
	if want := []string{"straßenverkehr", "strassenverkehr", "und", "amt"}; !slices.Equal(asked, want) {
		t.Errorf("asked %q, want %q", asked, want)
	}
	if got != "straße verkehr amt" {
		t.Errorf("joined %q", got)
	}
	if got := Words("", func(string, func(string)) { t.Error("asked for no word") }); got != "" {
		t.Errorf("empty text: %q", got)
	}
}
