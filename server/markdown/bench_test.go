package markdown

import (
	"fmt"
	"strings"
	"testing"
)

// benchPage builds a realistic wiki page of about 20 KB: sections with
// headings, prose with glossary terms, wiki and external links, lists, a
// table and a code block.
func benchPage() string {
	var b strings.Builder
	b.WriteString("# Handbuch Vergabe und Beschaffung\n\nDieses Handbuch beschreibt das **Vergabeverfahren** nach GWB und VgV sowie die Umsetzung des OZG in unserer Behörde.\n\n")
	for i := 1; b.Len() < 20_000; i++ {
		fmt.Fprintf(&b, "## %d. Übersicht der Verfahren im Bereich %d\n\n", i, i)
		b.WriteString("Die öffentliche Ausschreibung ist das Regelverfahren. Bei einer Beschränkten Ausschreibung wird ein begrenzter Kreis von Unternehmen zur Angebotsabgabe aufgefordert; " +
			"die Schwellenwerte der EU sind zu beachten. Einzelheiten regelt die [[Vergabeordnung]] sowie die Seite [[recht:Haushaltsrecht|Haushaltsrecht des Bundes]]. " +
			"Weitere Informationen finden Sie unter https://www.bund.de/vergabe und im [Beschaffungsamt](https://www.bescha.bund.de/).\n\n")
		b.WriteString("Vor der Vergabe ist zu prüfen:\n\n- Bedarf und Wirtschaftlichkeit (*§ 7 BHO*)\n- Vorrang der Losvergabe\n- Dokumentation im [[Vergabevermerk]]\n  - Begründung der Verfahrenswahl\n  - Schätzung des Auftragswerts\n\n")
		b.WriteString("| Verfahren | Schwellenwert | Frist |\n|:----------|--------------:|:-----:|\n| Offenes Verfahren | 221.000 € | 30 Tage |\n| Nichtoffenes Verfahren | 221.000 € | 30 Tage |\n| Verhandlungsvergabe | 100.000 € | 10 Tage |\n\n")
		b.WriteString("1. Antrag stellen\n2. Bescheid abwarten\n3. [[Fehlende Seite]] anlegen\n\n> **Hinweis:** Die Frist beginnt mit dem Tag nach der Absendung der Bekanntmachung.\n\n")
		b.WriteString("```\nVergabenummer: 2024-0815\nStatus: offen\n```\n\n")
	}
	return b.String()
}

func benchOptions() Options {
	g := make([]Term, 0, 40)
	g = append(g,
		Term{Slug: "vergabeverfahren", Term: "Vergabeverfahren", Definition: "Förmliches Verfahren zur Vergabe öffentlicher Aufträge."},
		Term{Slug: "vergabe", Term: "Vergabe", Definition: "Erteilung eines öffentlichen Auftrags."},
		Term{Slug: "oeffentliche-ausschreibung", Term: "Öffentliche Ausschreibung", Definition: "Vergabe mit unbeschränkter Teilnahme."},
		Term{Slug: "ozg", Term: "Onlinezugangsgesetz", Abbreviations: []string{"OZG"}, Definition: "Gesetz zur Verbesserung des Onlinezugangs zu Verwaltungsleistungen."},
		Term{Slug: "eu", Term: "Europäische Union", Abbreviations: []string{"EU"}, Definition: "Staatenverbund aus 27 Mitgliedstaaten."},
		Term{Slug: "bho", Term: "Bundeshaushaltsordnung", Abbreviations: []string{"BHO"}, Definition: "Haushaltsrecht des Bundes."},
		Term{Slug: "gwb", Term: "Gesetz gegen Wettbewerbsbeschränkungen", Abbreviations: []string{"GWB"}, Definition: "Kartellrecht und Oberschwellenvergabe."},
	)
	for i := len(g); i < 40; i++ {
		g = append(g, Term{Slug: fmt.Sprintf("begriff-%d", i), Term: fmt.Sprintf("Fachbegriff%d", i), Abbreviations: []string{fmt.Sprintf("FB%d", i)}, Definition: "Eine Definition."})
	}
	return Options{
		CurrentSpace: "beschaffung",
		Glossary:     g,
		IDPrefix:     "p-",
		Resolve: func(space, title string) (string, bool) {
			return "/wiki/" + space + "/" + title, title != "Fehlende Seite"
		},
	}
}

// BenchmarkRender renders without the memo, as for a page read for the
// first time since it changed.
func BenchmarkRender(b *testing.B) {
	r := New()
	page := benchPage()
	opts := benchOptions()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.render(page, opts, r.glossaryIndex(opts.Glossary)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderKept renders a page read before: the memo checks the
// links again and answers.
func BenchmarkRenderKept(b *testing.B) {
	r := New()
	page := benchPage()
	opts := benchOptions()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(page, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLinks(b *testing.B) {
	page := benchPage()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		Links(page)
	}
}
