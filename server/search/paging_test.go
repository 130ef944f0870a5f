package search

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestEachAfterPagesByTheLastID(t *testing.T) {
	ids := []int64{3, 5, 8, 13, 21}
	var asked []int64
	page := func(_ context.Context, after int64, size int) ([]Document, error) {
		asked = append(asked, after)
		var out []Document
		for _, id := range ids {
			if id > after && len(out) < size {
				out = append(out, Document{ID: DocumentID("page", id)})
			}
		}
		return out, nil
	}
	var got []string
	err := eachAfter(context.Background(), "page", 2, page, func(docs []Document) error {
		for _, d := range docs {
			got = append(got, d.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"page-3", "page-5", "page-8", "page-13", "page-21"}; !reflect.DeepEqual(got, want) {
		t.Errorf("documents %v, want %v", got, want)
	}
	if want := []int64{0, 5, 13, 21}; !reflect.DeepEqual(asked, want) {
		t.Errorf("pages after %v, want %v", asked, want)
	}
	// A document of another kind would page from a wrong id: an error, not a loop.
	err = eachAfter(context.Background(), "question", 2, page, func([]Document) error { return nil })
	if err == nil {
		t.Error("a page-… id read as a question's")
	}
	stop := errors.New("stop")
	if err := eachAfter(context.Background(), "page", 2, page, func([]Document) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("fn's error: %v", err)
	}
}
