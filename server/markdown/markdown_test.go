package markdown

import (
	"reflect"
	"strings"
	"sync"
	"testing"
)

func mustRender(t testing.TB, src string, opts Options) Result {
	t.Helper()
	res, err := New().Render(src, opts)
	if err != nil {
		t.Fatalf("Render(%q): %v", src, err)
	}
	if bad := activeContent(string(res.HTML)); bad != "" {
		t.Fatalf("active content %s in %s", bad, res.HTML)
	}
	return res
}

func assertContains(t *testing.T, html string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(html, w) {
			t.Errorf("output lacks %q:\n%s", w, html)
		}
	}
}

func assertNotContains(t *testing.T, html string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(html, w) {
			t.Errorf("output has %q:\n%s", w, html)
		}
	}
}

func TestTable(t *testing.T) {
	res := mustRender(t, "| Frist | Tage |\n|:------|-----:|\n| Widerspruch | 30 |\n", Options{})
	assertContains(t, string(res.HTML), `<table>`, `<th align="left">Frist</th>`, `<td align="right">30</td>`)
}

func TestTaskList(t *testing.T) {
	res := mustRender(t, "- [x] Antrag geprüft\n- [ ] Bescheid versandt\n", Options{})
	assertContains(t, string(res.HTML),
		`<li><label class="task"><input checked="" disabled="" type="checkbox"> Antrag geprüft</label></li>`,
		`<li><label class="task"><input disabled="" type="checkbox"> Bescheid versandt</label></li>`)
	if res.Text != "Antrag geprüft Bescheid versandt" {
		t.Errorf("Text = %q", res.Text)
	}
}

func TestStrikethrough(t *testing.T) {
	res := mustRender(t, "Die Frist ist ~~14~~ 30 Tage.", Options{})
	assertContains(t, string(res.HTML), `<del>14</del> 30`)
}

func TestFootnotes(t *testing.T) {
	res := mustRender(t, "Laut Gesetz[^g].\n\n[^g]: § 3 OZG.\n", Options{IDPrefix: "a7-"})
	assertContains(t, string(res.HTML),
		`<sup id="a7-fnref:1"><a href="#a7-fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>`,
		`<div class="footnotes" role="doc-endnotes">`,
		`<li id="a7-fn:1">`,
		`<a href="#a7-fnref:1" class="footnote-backref" role="doc-backlink">`)
}

func TestHeadingIDs(t *testing.T) {
	src := "# Übersicht der Verfahren\n\n## Übersicht der Verfahren\n\n## Straße & Größe: Café\n\n### `Code` und **fett**\n\n## !!!\n"
	res := mustRender(t, src, Options{})
	want := []Heading{
		{1, "uebersicht-der-verfahren", "Übersicht der Verfahren"},
		{2, "uebersicht-der-verfahren-1", "Übersicht der Verfahren"},
		{2, "strasse-groesse-cafe", "Straße & Größe: Café"},
		{3, "code-und-fett", "Code und fett"},
		{2, "abschnitt", "!!!"},
	}
	if !reflect.DeepEqual(res.Headings, want) {
		t.Errorf("Headings =\n%+v\nwant\n%+v", res.Headings, want)
	}
	assertContains(t, string(res.HTML), `<h1 id="uebersicht-der-verfahren">`, `<h2 id="uebersicht-der-verfahren-1">`)
}

func TestHeadingIDsWithPrefixAvoidGlossaryIDs(t *testing.T) {
	res := mustRender(t, "# GL OZG\n\nDas OZG gilt.\n", Options{IDPrefix: "q1-", Glossary: []Term{{Slug: "ozg", Term: "Onlinezugangsgesetz", Abbreviations: []string{"OZG"}}}})
	if got := res.Headings[0].ID; got != "q1-gl-ozg-1" {
		t.Errorf("heading id = %q, want q1-gl-ozg-1 (q1-gl-ozg belongs to the glossary tip)", got)
	}
	assertContains(t, string(res.HTML), `id="q1-gl-ozg"`)
}

func TestInvalidIDPrefix(t *testing.T) {
	if _, err := New().Render("x", Options{IDPrefix: `a" onclick="`}); err == nil {
		t.Error("want error for invalid IDPrefix")
	}
}

func TestAutolinks(t *testing.T) {
	res := mustRender(t, "Siehe https://www.bund.de/ und www.ozg.de sowie <mailto:post@example.org>.", Options{})
	assertContains(t, string(res.HTML),
		`<a href="https://www.bund.de/" rel="nofollow noreferrer">https://www.bund.de/</a>`,
		`<a href="http://www.ozg.de" rel="nofollow noreferrer">www.ozg.de</a>`,
		`href="mailto:post@example.org"`)
}

func TestRelativeLinksHaveNoRel(t *testing.T) {
	res := mustRender(t, "[Hilfe](/hilfe)", Options{})
	assertContains(t, string(res.HTML), `<a href="/hilfe">Hilfe</a>`)
}

func resolver(calls *[]string) func(space, title string) (string, bool) {
	return func(space, title string) (string, bool) {
		*calls = append(*calls, space+":"+title)
		if title == "Fehlt" {
			return "/wiki/" + space + "/neu?titel=Fehlt", false
		}
		return "/wiki/" + space + "/" + strings.ReplaceAll(title, " ", "_"), true
	}
}

func TestWikiLinks(t *testing.T) {
	var calls []string
	src := "Siehe [[Urlaub beantragen]], [[Urlaub beantragen|den Antrag]], [[hr:Reisekosten]], " +
		"[[hr:Reisekosten|Reisen]] und [[Fehlt]].\n\n`[[Im Code]]`\n\n    [[Eingerückt]]\n\n```\n[[Im Block]]\n```\n"
	res := mustRender(t, src, Options{CurrentSpace: "personal", Resolve: resolver(&calls)})
	html := string(res.HTML)
	assertContains(t, html,
		`<a class="wikilink" href="/wiki/personal/Urlaub_beantragen">Urlaub beantragen</a>`,
		`<a class="wikilink" href="/wiki/personal/Urlaub_beantragen">den Antrag</a>`,
		`<a class="wikilink" href="/wiki/hr/Reisekosten">Reisekosten</a>`,
		`<a class="wikilink" href="/wiki/hr/Reisekosten">Reisen</a>`,
		`<a class="wikilink wikilink--missing" href="/wiki/personal/neu?titel=Fehlt">Fehlt<span class="kern-sr-only"> (Seite existiert noch nicht)</span></a>`,
		`<code>[[Im Code]]</code>`,
		"<pre><code>[[Eingerückt]]\n</code></pre>",
		"<pre><code>[[Im Block]]\n</code></pre>")
	wantLinks := []Link{{"personal", "Urlaub beantragen"}, {"hr", "Reisekosten"}, {"personal", "Fehlt"}}
	if !reflect.DeepEqual(res.Links, wantLinks) {
		t.Errorf("Links = %+v, want %+v", res.Links, wantLinks)
	}
	if want := []string{"personal:Urlaub beantragen", "hr:Reisekosten", "personal:Fehlt"}; !reflect.DeepEqual(calls, want) {
		t.Errorf("Resolve calls = %q, want one per distinct link %q", calls, want)
	}
	if !strings.Contains(res.Text, "den Antrag") || strings.Contains(res.Text, "existiert") {
		t.Errorf("Text = %q", res.Text)
	}
}

func TestWikiLinkEdgeCases(t *testing.T) {
	var calls []string
	for _, tc := range []struct{ src, want string }{
		{"[[Art. 3: Grundsätze]]", `href="/wiki/w/Art._3:_Grundsätze"`},
		{"[[ hr : Reisen ]]", `href="/wiki/hr/Reisen">Reisen</a>`},
		{"[[Titel|]]", `>Titel</a>`},
		{"[[Straße (neu), §5!]]", `>Straße (neu), §5!</a>`},
		{"[[a\nb]]", `[[a`},
		{"[[]]", `[[]]`},
		{"[[hr:]]", `[[hr:]]`},
		{"[[a|b|c]]", `[[a|b|c]]`},
		{"[[[x]]]", `[<a class="wikilink" href="/wiki/w/x">x</a>]`},
		{"[siehe [[X]]](/y)", `<a href="/y">siehe X</a>`},
		{`[[A & B|<b>fett</b>]]`, `&lt;b&gt;fett&lt;/b&gt;</a>`},
	} {
		res := mustRender(t, tc.src, Options{CurrentSpace: "w", Resolve: resolver(&calls)})
		html := strings.ReplaceAll(string(res.HTML), "%C3%9F", "ß")
		html = strings.ReplaceAll(html, "%C3%A4", "ä")
		if !strings.Contains(html, tc.want) {
			t.Errorf("%q: output lacks %q:\n%s", tc.src, tc.want, res.HTML)
		}
	}
}

func TestLinks(t *testing.T) {
	src := "# [[Im Titel]]\n\n[[A]] [[hr:B|b]] [[A|nochmal]] `[[C]]` [[ wiki:D ]] [[Art. 1: E]]\n\n```\n[[F]]\n```\n\n> [[G]]\n\n- [[H]]\n\nText[^1]\n\n[^1]: [[I]]\n"
	want := []Link{{"", "Im Titel"}, {"", "A"}, {"hr", "B"}, {"wiki", "D"}, {"", "Art. 1: E"}, {"", "G"}, {"", "H"}, {"", "I"}}
	if got := Links(src); !reflect.DeepEqual(got, want) {
		t.Errorf("Links =\n%+v\nwant\n%+v", got, want)
	}
	if got := Links("kein Link"); got != nil {
		t.Errorf("Links = %+v, want nil", got)
	}
}

var testGlossary = []Term{
	{Slug: "vergabe", Term: "Vergabe", Definition: "Auftragserteilung durch die öffentliche Hand."},
	{Slug: "vergabeverfahren", Term: "Vergabeverfahren", Definition: "Förmliches Verfahren zur Vergabe."},
	{Slug: "oeffentliche-ausschreibung", Term: "Öffentliche Ausschreibung", Definition: "Verfahren mit unbeschränkter Teilnahme."},
	{Slug: "ozg", Term: "Onlinezugangsgesetz", Abbreviations: []string{"OZG"}, Definition: "Gesetz zur Verbesserung des Onlinezugangs."},
	{Slug: "eu", Term: "Europäische Union", Abbreviations: []string{"EU"}, Definition: "Staatenverbund."},
}

func countGlossary(html, slug string) int {
	return strings.Count(html, `href="/glossar#`+slug+`"`)
}

func TestGlossaryFirstUseOnly(t *testing.T) {
	res := mustRender(t, "Die Vergabe beginnt. Jede vergabe endet. Noch eine VERGABE.", Options{Glossary: testGlossary})
	html := string(res.HTML)
	if n := countGlossary(html, "vergabe"); n != 1 {
		t.Errorf("vergabe marked %d times, want 1:\n%s", n, html)
	}
	assertContains(t, html, `Die <a class="glossary-term" href="/glossar#vergabe" aria-describedby="gl-vergabe">Vergabe</a>`+
		`<span class="glossary-tip" role="tooltip" id="gl-vergabe">Auftragserteilung durch die öffentliche Hand.</span> beginnt.`)
	if res.Text != "Die Vergabe beginnt. Jede vergabe endet. Noch eine VERGABE." {
		t.Errorf("Text includes the tooltip: %q", res.Text)
	}
}

func TestGlossaryCaseInsensitiveTerm(t *testing.T) {
	res := mustRender(t, "Die öffentliche ausschreibung läuft.", Options{Glossary: testGlossary})
	assertContains(t, string(res.HTML), `aria-describedby="gl-oeffentliche-ausschreibung">öffentliche ausschreibung</a>`)
}

func TestGlossaryLongestMatch(t *testing.T) {
	res := mustRender(t, "Das Vergabeverfahren und die Vergabe.", Options{Glossary: testGlossary})
	html := string(res.HTML)
	assertContains(t, html, `aria-describedby="gl-vergabeverfahren">Vergabeverfahren</a>`, `aria-describedby="gl-vergabe">Vergabe</a>`)
	// Longest match across words: "Öffentliche Ausschreibung" beats a term "Öffentliche".
	g := append([]Term{{Slug: "oeffentlich", Term: "Öffentliche", Definition: "x"}}, testGlossary...)
	res = mustRender(t, "Eine Öffentliche Ausschreibung.", Options{Glossary: g})
	assertContains(t, string(res.HTML), `>Öffentliche Ausschreibung</a>`)
	assertNotContains(t, string(res.HTML), `gl-oeffentlich"`)
}

func TestGlossaryWholeWords(t *testing.T) {
	res := mustRender(t, "Vergaben, Unvergabe, Vergabe_1, EUR, OZGs, Vergabeänderung, Ozg und Eu.", Options{Glossary: testGlossary})
	if strings.Contains(string(res.HTML), "glossary-term") {
		t.Errorf("partial words marked:\n%s", res.HTML)
	}
	res = mustRender(t, "OZG-Umsetzung (EU).", Options{Glossary: testGlossary})
	assertContains(t, string(res.HTML), `<abbr title="Onlinezugangsgesetz">OZG</abbr></a>`, `<abbr title="Europäische Union">EU</abbr></a>`)
}

func TestGlossaryAbbreviation(t *testing.T) {
	res := mustRender(t, "Das OZG gilt. Das Onlinezugangsgesetz auch.", Options{Glossary: testGlossary, IDPrefix: "a2-"})
	html := string(res.HTML)
	assertContains(t, html, `<a class="glossary-term" href="/glossar#ozg" aria-describedby="a2-gl-ozg"><abbr title="Onlinezugangsgesetz">OZG</abbr></a>`+
		`<span class="glossary-tip" role="tooltip" id="a2-gl-ozg">Gesetz zur Verbesserung des Onlinezugangs.</span>`)
	if n := countGlossary(html, "ozg"); n != 1 {
		t.Errorf("ozg marked %d times (term and abbreviation share one entry), want 1", n)
	}
}

func TestGlossaryNotInHeadingsLinksCode(t *testing.T) {
	src := "# Vergabe\n\n[Vergabe](/x) [[Vergabe]] `Vergabe` https://example.org/Vergabe ![Vergabe](/v.png)\n\n```\nVergabe\n```\n\n    Vergabe\n\nHier die Vergabe."
	res := mustRender(t, src, Options{Glossary: testGlossary})
	html := string(res.HTML)
	if n := countGlossary(html, "vergabe"); n != 1 {
		t.Fatalf("vergabe marked %d times, want 1:\n%s", n, html)
	}
	assertContains(t, html, `Hier die <a class="glossary-term"`, `<h1 id="vergabe">Vergabe</h1>`)
}

func TestGlossaryAcrossEmphasisAndTables(t *testing.T) {
	res := mustRender(t, "| Begriff |\n|---|\n| **EU** |\n\n*Vergabeverfahren*", Options{Glossary: testGlossary})
	assertContains(t, string(res.HTML), `<td><strong><a class="glossary-term" href="/glossar#eu"`, `<em><a class="glossary-term" href="/glossar#vergabeverfahren"`)
}

func TestGlossaryIDPrefixSeparatesPosts(t *testing.T) {
	r := New()
	q, _ := r.Render("Das OZG.", Options{Glossary: testGlossary, IDPrefix: "q-"})
	a, _ := r.Render("Das OZG.", Options{Glossary: testGlossary, IDPrefix: "a1-"})
	assertContains(t, string(q.HTML), `id="q-gl-ozg"`)
	assertContains(t, string(a.HTML), `id="a1-gl-ozg"`)
}

func TestImageWithoutAlt(t *testing.T) {
	res := mustRender(t, "![](/bilder/a.png) ![Organigramm](/bilder/b.png) ![ ](https://example.org/c.png)", Options{})
	want := []Warning{{WarnImageWithoutAlt, "/bilder/a.png"}, {WarnImageWithoutAlt, "https://example.org/c.png"}}
	if !reflect.DeepEqual(res.Warnings, want) {
		t.Errorf("Warnings = %+v, want %+v", res.Warnings, want)
	}
	assertContains(t, string(res.HTML), `<img src="/bilder/a.png" alt="">`, `<img src="/bilder/b.png" alt="Organigramm">`)
}

func TestImageSchemes(t *testing.T) {
	res := mustRender(t, "![a](mailto:x@example.org) ![b](ftp://example.org/x.png) ![c](bild.png)", Options{})
	html := string(res.HTML)
	assertNotContains(t, html, "mailto", "ftp")
	assertContains(t, html, `<img src="bild.png" alt="c">`)
}

func TestRawHTMLIsDropped(t *testing.T) {
	res := mustRender(t, "Text <b>fett</b> <span style=\"color:red\">rot</span>\n\n<div>Block</div>\n", Options{})
	assertNotContains(t, string(res.HTML), "<b>", "style", "<div>", "raw HTML omitted")
}

func TestText(t *testing.T) {
	src := "# Titel\n\nEin *kurzer*  **Absatz** mit [Link](/x), `code` und \\*Stern\\* &amp; Co.\nZweite Zeile.\n\n- eins\n- zwei\n\n| a | b |\n|---|---|\n| c | d |\n"
	res := mustRender(t, src, Options{})
	want := "Titel Ein kurzer Absatz mit Link, code und *Stern* & Co. Zweite Zeile. eins zwei a b c d"
	if res.Text != want {
		t.Errorf("Text =\n%q\nwant\n%q", res.Text, want)
	}
}

func TestConcurrentRender(t *testing.T) {
	r := New()
	page := benchPage()
	opts := benchOptions()
	want, err := r.Render(page, opts)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, err := r.Render(page, opts)
			if err != nil || got.HTML != want.HTML {
				t.Error("concurrent render differs")
			}
		})
	}
	wg.Wait()
}

func TestGlossaryMultiWordAcrossNodes(t *testing.T) {
	// A line break and goldmark's splitting of text at "_" or "*" must not
	// hide a multi-word term.
	res := mustRender(t, "Die Öffentliche\nAusschreibung _beginnt_.", Options{Glossary: testGlossary})
	assertContains(t, string(res.HTML), "<a class=\"glossary-term\" href=\"/glossar#oeffentliche-ausschreibung\" aria-describedby=\"gl-oeffentliche-ausschreibung\">Öffentliche\nAusschreibung</a>",
		"<em>beginnt</em>")
	res = mustRender(t, "Die Europäische  Union * und OZG_x und **EU**", Options{Glossary: testGlossary})
	assertContains(t, string(res.HTML), ">Europäische  Union</a>")
	assertNotContains(t, string(res.HTML), `href="/glossar#ozg"`)
	if n := countGlossary(string(res.HTML), "eu"); n != 1 {
		t.Errorf("eu marked %d times, want 1", n)
	}
}

func TestGlossaryLeavesEntitiesAlone(t *testing.T) {
	res := mustRender(t, "Gr&ouml;&szlig;e &amp; Vergabe", Options{Glossary: append([]Term{{Slug: "ouml", Term: "ouml"}, {Slug: "amp", Term: "amp"}}, testGlossary...)})
	assertContains(t, string(res.HTML), `<p>Größe &amp; <a class="glossary-term" href="/glossar#vergabe"`)
}

func TestWikiLinkWithoutResolverAndCustomHint(t *testing.T) {
	res := mustRender(t, "[[Seite]]", Options{})
	assertContains(t, string(res.HTML), `<p>Seite</p>`)
	res = mustRender(t, "[[Neu]]", Options{MissingHint: "page does not exist yet", Resolve: func(_, _ string) (string, bool) { return "/neu", false }})
	assertContains(t, string(res.HTML), `<span class="kern-sr-only"> (page does not exist yet)</span></a>`)
}

func TestResolveURLRewritesRelativeDestinations(t *testing.T) {
	files := map[string]string{"ablauf.png": "/anhaenge/1/ablauf.png", "antrag.pdf": "/anhaenge/2/antrag.pdf"}
	res, err := New().Render("![Ablauf](ablauf.png) [Antrag](antrag.pdf) [extern](https://example.org/x.pdf) [abs](/x.pdf) [fehlt](fehlt.pdf)", Options{
		ResolveURL: func(dest string) (string, bool) { href, ok := files[dest]; return href, ok },
	})
	if err != nil {
		t.Fatal(err)
	}
	html := string(res.HTML)
	for _, want := range []string{`src="/anhaenge/1/ablauf.png"`, `href="/anhaenge/2/antrag.pdf"`, `href="https://example.org/x.pdf"`, `href="/x.pdf"`, `href="fehlt.pdf"`} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered HTML lacks %s:\n%s", want, html)
		}
	}
}

// A link the resolver gives no address is plain text: the label alone, the
// same for a page that exists and one that does not, and no "create page"
// hint, so that a link into a space the reader may not read tells nothing.
func TestWikiLinkPlainText(t *testing.T) {
	resolve := func(space, title string) (string, bool) {
		switch {
		case space == "geheim":
			return "", title == "Da"
		case title == "Fehlt":
			return "/neu?titel=Fehlt", false
		}
		return "/seiten/" + title, true
	}
	res := mustRender(t, "[[geheim:Da]] [[geheim:Nicht da|Etikett]] [[Fehlt]] [[Offen]]", Options{CurrentSpace: "w", Resolve: resolve})
	html := string(res.HTML)
	assertContains(t, html, `<p>Da Etikett <a class="wikilink wikilink--missing" href="/neu?titel=Fehlt">`, `<a class="wikilink" href="/seiten/Offen">Offen</a>`)
	assertNotContains(t, html, "geheim", `<span class="wikilink">`)
	if n := strings.Count(html, "kern-sr-only"); n != 1 {
		t.Errorf("%d missing-page hints, want 1 (only the readable missing page): %s", n, html)
	}
}

func TestRewriteLinks(t *testing.T) {
	src := "[[Alt]] und [[hr:Alt|die alte Seite]], `[[Alt]]` bleibt, [[Anders]] auch.\n\n```\n[[Alt]]\n```\n- [[ Alt ]]\n"
	got := RewriteLinks(src, func(l Link) (Link, bool) {
		if l.Title != "Alt" {
			return l, false
		}
		return Link{Space: "neu", Title: "Neuer Titel"}, true
	})
	want := "[[neu:Neuer Titel]] und [[neu:Neuer Titel|die alte Seite]], `[[Alt]]` bleibt, [[Anders]] auch.\n\n```\n[[Alt]]\n```\n- [[neu:Neuer Titel]]\n"
	if got != want {
		t.Errorf("RewriteLinks:\n got %q\nwant %q", got, want)
	}
	// A title the syntax cannot carry, or one that would read as a space, is
	// left as it was.
	for _, bad := range []Link{{Title: "a|b"}, {Title: "x]y"}, {Title: "abc: def"}, {Space: "Groß", Title: "t"}} {
		if got := RewriteLinks("[[Alt]]", func(Link) (Link, bool) { return bad, true }); got != "[[Alt]]" {
			t.Errorf("%+v: wrote %q", bad, got)
		}
	}
}
