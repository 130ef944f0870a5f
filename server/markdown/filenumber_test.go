package markdown

import (
	"regexp"
	"strings"
	"testing"
)

func eakte() *FileNumbers {
	return &FileNumbers{Patterns: []FileNumberPattern{{
		Label: "E-Akte", Expr: regexp.MustCompile(`Az\. \d{1,3}-\d{1,5}/\d{4}`), URL: "https://dms.example/akte?nr={nr}",
	}}}
}

func TestFileNumbersLinkToTheRecordsSystem(t *testing.T) {
	res := mustRender(t, "Siehe Az. 12-345/2026 und nochmals Az. 12-345/2026.", Options{FileNumbers: eakte()})
	html := string(res.HTML)
	// The number is escaped into the query: "/" and the space.
	assertContains(t, html,
		`<a class="file-number" href="https://dms.example/akte?nr=Az.%2012-345%2F2026" rel="nofollow noreferrer">Az. 12-345/2026<span class="kern-sr-only"> (in E-Akte öffnen)</span></a>`)
	if n := strings.Count(html, `class="file-number"`); n != 2 {
		t.Errorf("%d links, want 2:\n%s", n, html)
	}
	if len(res.FileNumbers) != 1 || res.FileNumbers[0] != (FileNumber{Text: "Az. 12-345/2026", Label: "E-Akte", Href: "https://dms.example/akte?nr=Az.%2012-345%2F2026"}) {
		t.Errorf("FileNumbers = %+v", res.FileNumbers)
	}
	if !strings.Contains(res.Text, "Az. 12-345/2026") {
		t.Errorf("Text = %q", res.Text)
	}
}

func TestFileNumbersNotInCodeLinksHeadingsOrWords(t *testing.T) {
	src := "# Az. 1-2/2026\n\n`Az. 1-3/2026`\n\n    Az. 1-4/2026\n\n[Az. 1-5/2026](https://example.org/x) [[Az. 1-6/2026]] xAz. 1-7/20261\n\nAz. 1-8/2026 steht hier.\n"
	res := mustRender(t, src, Options{FileNumbers: eakte(), Resolve: func(space, title string) (string, bool) { return "/w/" + title, true }})
	html := string(res.HTML)
	if n := strings.Count(html, `class="file-number"`); n != 1 {
		t.Errorf("%d file-number links, want only the one in plain text:\n%s", n, html)
	}
	assertContains(t, html, `nr=Az.%201-8%2F2026`)
	if len(res.FileNumbers) != 1 || res.FileNumbers[0].Text != "Az. 1-8/2026" {
		t.Errorf("FileNumbers = %+v", res.FileNumbers)
	}
	// The heading keeps its id made of its text.
	assertContains(t, html, `<h1 id="az-1-2-2026">`)
}

func TestFileNumbersOverLineBreaksAndBesideGlossary(t *testing.T) {
	res := mustRender(t, "Vorgang Az. 12-345/2026 zur Vergabe.", Options{FileNumbers: eakte(),
		Glossary: []Term{{Slug: "vergabe", Term: "Vergabe", Definition: "Beschaffung"}, {Slug: "az", Term: "Az", Definition: "Aktenzeichen"}}})
	html := string(res.HTML)
	assertContains(t, html, `class="file-number"`, `class="glossary-term" href="/glossar#vergabe"`)
	// "Az" inside the file number is no use of the glossary term.
	assertNotContains(t, html, `/glossar#az"`)
}

func TestFileNumbersOfAnotherSetDoNotApply(t *testing.T) {
	other := &FileNumbers{Patterns: []FileNumberPattern{{Label: "VIS", Expr: regexp.MustCompile(`VIS-\d{4}`), URL: "https://vis.example/{nr}"}}}
	r := New()
	src := "Az. 12-345/2026 und VIS-2026"
	a, err := r.Render(src, Options{FileNumbers: eakte()})
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Render(src, Options{FileNumbers: other})
	if err != nil {
		t.Fatal(err)
	}
	assertContains(t, string(a.HTML), `dms.example`)
	assertNotContains(t, string(a.HTML), `vis.example`)
	assertContains(t, string(b.HTML), `href="https://vis.example/VIS-2026"`)
	assertNotContains(t, string(b.HTML), `dms.example`)
	// Kept renderings are not reused across sets: a changed set applies.
	c, _ := r.Render(src, Options{})
	assertNotContains(t, string(c.HTML), `file-number`)
}

func TestFileNumberHrefEscapesEverything(t *testing.T) {
	p := FileNumberPattern{URL: "https://dms.example/a/{nr}/view"}
	if got, want := p.Href(`A&B "x"<y>?#+`), "https://dms.example/a/A%26B%20%22x%22%3Cy%3E%3F%23%2B/view"; got != want {
		t.Errorf("Href = %q, want %q", got, want)
	}
	res := mustRender(t, `Az. 1&2"x'y`, Options{FileNumbers: &FileNumbers{Patterns: []FileNumberPattern{{Label: `<E&A>`, Expr: regexp.MustCompile(`Az\. \S+`), URL: p.URL}}},
		FileNumberHint: "open in {label}"})
	assertContains(t, string(res.HTML), `href="https://dms.example/a/Az.%201%262%22x%27y/view"`, `open in &lt;E&amp;A&gt;`)
	if len(res.FileNumbers) != 1 || res.FileNumbers[0].Text != `Az. 1&2"x'y` {
		t.Errorf("FileNumbers = %+v", res.FileNumbers)
	}
}
