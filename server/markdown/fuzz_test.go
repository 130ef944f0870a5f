package markdown

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRender checks that no input makes Render panic or emit active content,
// and that Links never panics. Seeds live in testdata/fuzz/FuzzRender.
func FuzzRender(f *testing.F) {
	for _, p := range xssPayloads {
		f.Add(p.src)
	}
	r := New()
	glossary := append(append([]Term{}, testGlossary...), xssGlossary...)
	f.Fuzz(func(t *testing.T, src string) {
		var resolveCalls int
		opts := Options{
			CurrentSpace: "wiki",
			Glossary:     glossary,
			IDPrefix:     "f-",
			Resolve: func(space, title string) (string, bool) {
				resolveCalls++
				// Echo the title into the href, as a careless resolver would.
				return "/wiki/" + space + "/" + title, len(title)%2 == 0
			},
		}
		res, err := r.Render(src, opts)
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		if bad := activeContent(string(res.HTML)); bad != "" {
			t.Fatalf("active content %s in output of %q:\n%s", bad, src, res.HTML)
		}
		if resolveCalls != len(res.Links) {
			t.Fatalf("Resolve called %d times for %d distinct links", resolveCalls, len(res.Links))
		}
		// Links and Render must agree once the current space is filled in.
		var links []Link
		seen := map[Link]bool{}
		for _, l := range Links(src) {
			if l.Space == "" {
				l.Space = opts.CurrentSpace
			}
			if !seen[l] {
				seen[l] = true
				links = append(links, l)
			}
		}
		if !slices.Equal(links, res.Links) {
			t.Fatalf("Links found %v, Render %v", links, res.Links)
		}
		if utf8.ValidString(src) && !utf8.ValidString(res.Text) {
			t.Fatalf("Text is not valid UTF-8: %q", res.Text)
		}
		if strings.Contains(res.Text, "  ") {
			t.Fatalf("Text not whitespace-collapsed: %q", res.Text)
		}
	})
}
