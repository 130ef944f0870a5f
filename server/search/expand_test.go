package search

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
)

// fakeSource answers Documents with a document for every id, and,
// through the types around it, which items topics and agencies reach.
type fakeSource struct {
	kind     string
	topics   map[int64][]int64 // topic → items
	agencies map[int64][]int64 // agency → items
	asked    [][]int64         // the ids of every Documents call
}

func (s *fakeSource) Kind() string { return s.kind }

func (s *fakeSource) Documents(_ context.Context, ids []int64) ([]Document, error) {
	s.asked = append(s.asked, slices.Clone(ids))
	docs := make([]Document, len(ids))
	for i, id := range ids {
		docs[i] = Document{ID: DocumentID(s.kind, id), Type: s.kind}
	}
	return docs, nil
}

func (s *fakeSource) Each(context.Context, int, func([]Document) error) error { return nil }
func (s *fakeSource) Count(context.Context) (int, error)                      { return 0, nil }

func reached(m map[int64][]int64, keys []int64) []int64 {
	var out []int64
	for _, k := range keys {
		out = append(out, m[k]...)
	}
	return out
}

type topicSource struct{ *fakeSource }

func (s topicSource) TopicItems(_ context.Context, topicIDs []int64) ([]int64, error) {
	return reached(s.topics, topicIDs), nil
}

type agencySource struct{ *fakeSource }

func (s agencySource) AgencyItems(_ context.Context, agencyIDs []int64) ([]int64, error) {
	return reached(s.agencies, agencyIDs), nil
}

type bothSource struct{ *fakeSource }

func (s bothSource) TopicItems(ctx context.Context, topicIDs []int64) ([]int64, error) {
	return topicSource(s).TopicItems(ctx, topicIDs)
}

func (s bothSource) AgencyItems(ctx context.Context, agencyIDs []int64) ([]int64, error) {
	return agencySource(s).AgencyItems(ctx, agencyIDs)
}

func serviceOf(sources ...Source) *Service {
	s := &Service{sources: map[string]Source{}, log: slog.New(slog.DiscardHandler)}
	for _, src := range sources {
		s.sources[src.Kind()] = src
		s.order = append(s.order, src.Kind())
	}
	return s
}

// A topic row and an agency row become the items of every source they
// reach, each once and beside the items named for themselves; the rows'
// own kinds are gone.
func TestTopicAndAgencyRowsExpandToTheirItems(t *testing.T) {
	pages := bothSource{&fakeSource{kind: "page", topics: map[int64][]int64{1: {10, 11}, 2: {11, 12}}, agencies: map[int64][]int64{7: {12, 13}}}}
	people := topicSource{&fakeSource{kind: "person", topics: map[int64][]int64{1: {30}}}}
	files := agencySource{&fakeSource{kind: "file", agencies: map[int64][]int64{7: {50}, 8: {51}}}}
	// Its items would be reached, were it a TopicSource.
	notes := &fakeSource{kind: "note", topics: map[int64][]int64{1: {40}}}
	s := serviceOf(pages, people, files, notes)
	got, err := s.expand(context.Background(), map[string][]int64{
		KindTopic: {1, 2}, KindAgency: {7}, "page": {13, 99}, "note": {5},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int64{"page": {10, 11, 12, 13, 99}, "person": {30}, "file": {50}, "note": {5}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("expanded to %v, want %v", got, want)
	}

	plain := map[string][]int64{"page": {3}}
	if got, _ := s.expand(context.Background(), plain); fmt.Sprint(got) != fmt.Sprint(plain) {
		t.Errorf("items without topic or agency rows became %v", got)
	}
}

// The worker and the copy load the documents of the expanded items, and a
// topic row is no document that could be gone.
func TestDocumentsOfATopicAreThoseOfItsItems(t *testing.T) {
	f := &fakeSource{kind: "page", topics: map[int64][]int64{4: {20, 21}}}
	s := serviceOf(bothSource{f})
	docs, gone, err := s.documentsOf(context.Background(), map[string][]int64{KindTopic: {4, 5}})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].ID != "page-20" || docs[1].ID != "page-21" {
		t.Errorf("documents %+v, want pages 20 and 21", docs)
	}
	if len(gone) != 0 {
		t.Errorf("gone %v, want none", gone)
	}
	if fmt.Sprint(f.asked) != "[[20 21]]" {
		t.Errorf("the source was asked for %v", f.asked)
	}
}

// A topic on more items than a batch holds has them read a batch at a
// time.
func TestManyItemsOfATopicAreReadInBatches(t *testing.T) {
	many := make([]int64, batchSize+1)
	for i := range many {
		many[i] = int64(i + 1)
	}
	f := &fakeSource{kind: "page", topics: map[int64][]int64{4: many}}
	docs, _, err := serviceOf(bothSource{f}).documentsOf(context.Background(), map[string][]int64{KindTopic: {4}})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != batchSize+1 || len(f.asked) != 2 || len(f.asked[0]) != batchSize || len(f.asked[1]) != 1 {
		t.Errorf("%d documents in reads of %d ids, want %d in reads of %d and 1", len(docs), len(f.asked), batchSize+1, batchSize)
	}
}
