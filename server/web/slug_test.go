package web

import "testing"

func TestSlugify(t *testing.T) {
	cases := map[string]string{
		"Vergabe & Beschaffung":  "vergabe-beschaffung",
		"Straßenverkehrsbehörde": "strassenverkehrsbehoerde",
		"  Über uns!  ":          "ueber-uns",
		"Café Crème":             "cafe-creme",
		"Projekt X – 2026":       "projekt-x-2026",
		"---":                    "",
		"Ärger/Öl/Übel":          "aerger-oel-uebel",
	}
	for in, want := range cases {
		if got := Slugify(in, 63); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Slugify("abcdefghij-klmnop", 11); got != "abcdefghij" {
		t.Errorf("truncation: %q", got)
	}
}
