package main

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fachnetz/fachnetz/scripts/bench/dataset"
)

// report holds the figures of one run.
type report struct {
	Machine       string
	Set           *dataset.Set
	Generated     time.Duration
	Reindex, Bulk time.Duration
	BulkDocs      int
	Loads         []result
	// Static and AfterQuery are the references of the page loads: the
	// static page, and the same after one PostgreSQL query.
	Static, AfterQuery, View, Question result
	Search, Direct                     result
	Mixed                              result
	Searchable                         []time.Duration
	PeakRSS                            int64
}

// row is a line of the table: a figure against its target.
type row struct {
	What, Measured, Reference, Target string
	// Share is the figure as a share of its target, 1 meaning exactly
	// met, above 1 better than needed; it draws the chart.
	Share float64
}

func (r row) met() string {
	if r.Share >= 1 {
		return "met"
	}
	return "**not met**"
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, int(float64(len(d))*p/100))]
}

func (rep *report) rows() []row {
	static, view, question := rep.Static, rep.View, rep.Question
	afterQuery := fmt.Sprintf("; after one PostgreSQL query: %.0f req/s (%.1f %%)", rep.AfterQuery.RPS(), 100*rep.AfterQuery.RPS()/max(static.RPS(), 0.001))
	viewShare := view.RPS() / static.RPS()
	searchRatio := ms(rep.Search.Pct(95)) / max(ms(rep.Direct.Pct(95)), 0.001)
	reindexRatio := rep.Reindex.Seconds() / max(rep.Bulk.Seconds(), 0.001)
	p95 := pct(rep.Searchable, 95)
	rssMB := float64(rep.PeakRSS) / (1 << 20)
	rows := []row{
		{"wiki page view, signed in", fmt.Sprintf("%.0f req/s, p50 %.1f ms, p99 %.1f ms", view.RPS(), ms(view.Pct(50)), ms(view.Pct(99))),
			fmt.Sprintf("static 10 kB page: %.0f req/s, p50 %.1f ms (%.1f %%)", static.RPS(), ms(static.Pct(50)), 100*viewShare) + afterQuery,
			"≥ 25 % of static, p99 ≤ 50 ms", min(viewShare/0.25, 50/max(ms(view.Pct(99)), 0.001))},
		{"question page, signed in", fmt.Sprintf("%.0f req/s, p50 %.1f ms, p99 %.1f ms", question.RPS(), ms(question.Pct(50)), ms(question.Pct(99))),
			fmt.Sprintf("%.1f %% of static", 100*question.RPS()/static.RPS()), "≥ 25 % of static, p99 ≤ 50 ms",
			min(question.RPS()/static.RPS()/0.25, 50/max(ms(question.Pct(99)), 0.001))},
		{"search API, reader in 50 spaces", fmt.Sprintf("%.0f req/s, p50 %.1f ms, p95 %.1f ms", rep.Search.RPS(), ms(rep.Search.Pct(50)), ms(rep.Search.Pct(95))),
			fmt.Sprintf("Meilisearch direct: %.0f req/s, p50 %.1f ms, p95 %.1f ms (%.2f×)", rep.Direct.RPS(), ms(rep.Direct.Pct(50)), ms(rep.Direct.Pct(95)), searchRatio),
			"p95 ≤ 1.5 × direct and ≤ 30 ms", min(1.5/searchRatio, 30/max(ms(rep.Search.Pct(95)), 0.001))},
		{"edit → searchable", fmt.Sprintf("%d saves: p50 %.0f ms, p95 %.0f ms", len(rep.Searchable), ms(pct(rep.Searchable, 50)), ms(p95)), "",
			"p95 ≤ 1 s", 1000 / max(ms(p95), 0.001)},
		{"full reindex", fmt.Sprintf("%.0f s", rep.Reindex.Seconds()),
			fmt.Sprintf("Meilisearch bulk indexing of the %d documents: %.0f s (%.2f×)", rep.BulkDocs, rep.Bulk.Seconds(), reindexRatio),
			"≤ 1.25 × bulk", 1.25 / reindexRatio},
		{"peak RSS of fachnetz serve", fmt.Sprintf("%.0f MB", rssMB), "", "≤ 150 MB", 150 / max(rssMB, 1)},
		{fmt.Sprintf("%.0f s mixed load", rep.Mixed.Elapsed.Seconds()), fmt.Sprintf("%.0f req/s, p99 %.0f ms, %d errors of %d", rep.Mixed.RPS(), ms(rep.Mixed.Pct(99)), rep.Mixed.Errors, rep.Mixed.Requests),
			rep.Mixed.FirstErr, "0 errors", map[bool]float64{true: 1, false: 0}[rep.Mixed.Errors == 0]},
	}
	if rep.Reindex == 0 { // -loads-only
		rows = slices.DeleteFunc(rows, func(r row) bool { return r.What == "full reindex" })
	}
	return rows
}

func (rep *report) table() string {
	var b strings.Builder
	b.WriteString("| what | Fachnetz | reference in the same run | target | |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range rep.rows() {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.What, r.Measured, r.Reference, r.Target, r.met())
	}
	return b.String()
}

func (rep *report) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Fachnetz benchmark\n\nMeasured by `make bench` on %s, %s. The data set of DESIGN.md section 9 (%s) took %s to generate or find.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), rep.Machine, summary(dataset.Full(), rep.BulkDocs), rep.Generated.Round(time.Second))
	b.WriteString(rep.table())
	b.WriteString("\n![Each figure as a share of its target](report.svg)\n\n## Every load\n\nClosed loop: each connection sends its next request when the last is answered. Load generator and servers share the machine's cores.\n\n```\n")
	for _, l := range rep.Loads {
		b.WriteString(l.String() + "\n")
	}
	b.WriteString("```\n")
	if err := os.WriteFile(filepath.Join(dir, "REPORT.md"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "report.svg"), []byte(rep.chart()), 0o644); err != nil {
		return err
	}
	fmt.Println()
	fmt.Print(rep.table())
	fmt.Printf("\nbench: wrote %s\n", filepath.Join(dir, "REPORT.md"))
	return nil
}

// chart draws each figure as a share of its target, the target line at
// 100 %: bars reaching past it are met.
func (rep *report) chart() string {
	rows := rep.rows()
	const left, width, bar, gap = 260, 400, 22, 12
	height := 40 + len(rows)*(bar+gap)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img" font-family="sans-serif" font-size="13">`, left+width+80, height)
	b.WriteString(`<title>Each figure of the benchmark as a share of its target</title>`)
	target := left + width/2
	for i, r := range rows {
		y := 20 + i*(bar+gap)
		w := int(min(r.Share, 2) * float64(width/2))
		colour := "#2e7d32"
		if r.Share < 1 {
			colour = "#c62828"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, left-8, y+bar-6, html.EscapeString(r.What))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, left, y, max(w, 1), bar, colour)
		fmt.Fprintf(&b, `<text x="%d" y="%d">%.0f %%</text>`, left+max(w, 1)+6, y+bar-6, 100*r.Share)
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="10" x2="%d" y2="%d" stroke="#000" stroke-dasharray="4 3"/>`, target, target, height-10)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">target</text>`, target, height-2)
	b.WriteString("</svg>\n")
	return b.String()
}

func summary(o dataset.Options, documents int) string {
	return fmt.Sprintf("%d pages in %d spaces, %d questions with %d answers, %d people, %d documents in the index",
		o.Spaces*o.PagesPerSpace, o.Spaces, o.Questions, o.Questions*o.AnswersPerQuestion, o.People, documents)
}
