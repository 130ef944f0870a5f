package main

import (
	"sort"
	"testing"
	"time"
)

// BenchmarkRelevanceSet measures how long /api/v1/search takes for the
// queries of the relevance test set, from Meilisearch and from PostgreSQL:
// one op is the whole set; median-ms and p95-ms are over single queries.
// It reports the set's recall@5 and MRR beside them.
// The set is loaded once, outside the sub-benchmarks' timings.
func BenchmarkRelevanceSet(b *testing.B) {
	set := loadRelevance(b)
	for _, c := range []struct {
		name string
		base string
	}{{"Meilisearch", set.base}, {"PostgreSQL", set.degraded}} {
		b.Run(c.name, func(b *testing.B) {
			run := measureRelevance(b, set, c.base, c.base == set.degraded)
			var took []time.Duration
			for b.Loop() {
				for _, q := range set.queries {
					start := time.Now()
					relevanceSearch(b, c.base, set.token, q)
					took = append(took, time.Since(start))
				}
			}
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(took[len(took)/2]), "median-ms")
			b.ReportMetric(ms(took[len(took)*95/100]), "p95-ms")
			b.ReportMetric(run.overall.Recall(), "recall@5")
			b.ReportMetric(run.overall.MRR(), "MRR")
		})
	}
}
