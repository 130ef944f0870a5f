package search

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// The baseline indexes the very documents of the index it copies, with
// every field (the compound parts too, which are not displayed) and the
// same settings: else it would measure Meilisearch on less work.
func TestBulkIndexBaselineCopiesDocumentsAndSettings(t *testing.T) {
	s, _ := rankingService(t)
	ctx := context.Background()
	to := s.cfg.Index + "_bulk"
	t.Cleanup(func() {
		if task, err := s.client.DeleteIndex(to); err == nil {
			s.client.WaitForTask(task.TaskUID, 50*time.Millisecond)
		}
	})
	took, n, err := BulkIndexBaseline(ctx, s.client, s.cfg.Index, to)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(rankingDocs) || took <= 0 {
		t.Fatalf("baseline indexed %d documents in %s, want %d", n, took, len(rankingDocs))
	}
	var got Document
	if err := s.client.Index(to).GetDocumentWithContext(ctx, rankingDocs[0].ID, nil, &got); err != nil {
		t.Fatal(err)
	}
	if got.Compounds == "" || got.Title != rankingDocs[0].Title {
		t.Errorf("copied document %+v lacks fields of the original", got)
	}
	want, err := s.client.Index(s.cfg.Index).GetSettingsWithContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	have, err := s.client.Index(to).GetSettingsWithContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(have.SearchableAttributes, want.SearchableAttributes) || !slices.Equal(have.StopWords, want.StopWords) ||
		!slices.Equal(have.FilterableAttributes, want.FilterableAttributes) || len(have.Synonyms) != len(want.Synonyms) {
		t.Errorf("settings of the copy %+v, want %+v", have, want)
	}
	var stats *meilisearch.StatsIndex
	if stats, err = s.client.Index(to).GetStatsWithContext(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if int(stats.NumberOfDocuments) != len(rankingDocs) {
		t.Errorf("the copy holds %d documents, want %d", stats.NumberOfDocuments, len(rankingDocs))
	}
}
