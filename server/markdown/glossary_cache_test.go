package markdown

import (
	"strings"
	"testing"
)

// One renderer keeps the matcher of its last glossary; an edited glossary
// (a new term, a changed definition or abbreviation, a term removed, the
// same slice changed in place) is in force on the very next render.
func TestGlossaryEditsShowAtOnce(t *testing.T) {
	r := New()
	render := func(src string, terms []Term, prefix string) string {
		t.Helper()
		res, err := r.Render(src, Options{Glossary: terms, IDPrefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		return string(res.HTML)
	}
	src := "Das OZG regelt das Vergabeverfahren."
	terms := []Term{{Slug: "vergabeverfahren", Term: "Vergabeverfahren", Definition: "Alte Erklärung"}}
	if html := render(src, terms, "p-"); !strings.Contains(html, "Alte Erklärung") || !strings.Contains(html, `id="p-gl-vergabeverfahren"`) {
		t.Fatalf("first glossary not applied: %s", html)
	}
	if html := render(src, terms, "a1-"); !strings.Contains(html, `id="a1-gl-vergabeverfahren"`) || strings.Contains(html, `id="p-gl-`) {
		t.Fatalf("the id prefix of an earlier render was kept: %s", html)
	}
	edited := []Term{
		{Slug: "vergabeverfahren", Term: "Vergabeverfahren", Definition: "Neue Erklärung"},
		{Slug: "ozg", Term: "Onlinezugangsgesetz", Abbreviations: []string{"OZG"}, Definition: "Gesetz"},
	}
	html := render(src, edited, "p-")
	if !strings.Contains(html, "Neue Erklärung") || strings.Contains(html, "Alte Erklärung") || !strings.Contains(html, "gl-ozg") {
		t.Fatalf("edited glossary not applied at once: %s", html)
	}
	edited[1].Abbreviations[0] = "VG" // changed in place
	if html := render(src, edited, "p-"); strings.Contains(html, "gl-ozg") {
		t.Fatalf("an abbreviation changed in place still matches: %s", html)
	}
	if html := render(src, nil, "p-"); strings.Contains(html, "gl-") {
		t.Fatalf("terms of an emptied glossary still marked: %s", html)
	}
}
