package search

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"

	"github.com/fachnetz/fachnetz/server/postgres"
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

// Topic and agency rows name no document: loading the documents of a
// batch passes over them, and none of theirs is gone.
func TestDocumentsPassOverTopicAndAgencyRows(t *testing.T) {
	f := &fakeSource{kind: "page", topics: map[int64][]int64{4: {20, 21}}}
	docs, gone, err := serviceOf(bothSource{f}).documentsOf(context.Background(), map[string][]int64{KindTopic: {4}, KindAgency: {7}, "page": {3}})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].ID != "page-3" || len(gone) != 0 || fmt.Sprint(f.asked) != "[[3]]" {
		t.Errorf("documents %+v, gone %v, asked %v; want page 3 alone", docs, gone, f.asked)
	}
}

// A topic reaching more items than a batch holds becomes one outbox row
// per item, so that the worker and the copy send them a batch at a time;
// the topic and agency rows are done, other rows wait as they were, and
// the synonyms are due.
func TestTopicAndAgencyRowsBecomeRowsOfTheirItems(t *testing.T) {
	ctx := context.Background()
	db, err := postgres.NewTestDatabase(ctx, "search_expand")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	many := make([]int64, 2*batchSize+1)
	for i := range many {
		many[i] = int64(i + 1)
	}
	pages := bothSource{&fakeSource{kind: "page", topics: map[int64][]int64{4: many}, agencies: map[int64][]int64{7: {1, 5000}}}}
	s := serviceOf(pages)
	s.pool = db.Pool
	if _, err := db.Pool.Exec(ctx, `INSERT INTO search_outbox (kind, item_id) VALUES ('page', 3), ('topic', 4), ('agency', 7)`); err != nil {
		t.Fatal(err)
	}
	if err := s.expandPending(ctx); err != nil {
		t.Fatal(err)
	}
	var pending, pendingPages, distinctPages, open int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE kind = 'page'), count(DISTINCT item_id) FILTER (WHERE kind = 'page'),
		count(*) FILTER (WHERE kind IN ('topic', 'agency'))
		FROM search_outbox WHERE processed_at IS NULL`).Scan(&pending, &pendingPages, &distinctPages, &open); err != nil {
		t.Fatal(err)
	}
	// page 3 as it was, and pages 1 … 1001 and 5000 reached.
	if pending != pendingPages || pendingPages != 1+len(many)+1 || distinctPages != len(many)+1 || open != 0 {
		t.Errorf("pending %d rows, %d of pages (%d distinct), %d topic or agency rows left", pending, pendingPages, distinctPages, open)
	}
	if !s.settingsDue.Load() {
		t.Error("a topic row did not make the synonyms due")
	}
	if err := s.expandPending(ctx); err != nil {
		t.Fatal(err)
	}
	var again int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM search_outbox WHERE processed_at IS NULL`).Scan(&again); err != nil || again != pending {
		t.Errorf("a second round queued %d rows, want the %d of the first: %v", again, pending, err)
	}
}
