package search

import (
	"context"
	"fmt"
)

// eachAfter is the Each of a source whose documents are read in order of
// their ids: page loads up to size documents with an id above after, and
// fn gets them batch by batch until a batch comes back empty.
func eachAfter(ctx context.Context, kind string, size int, page func(ctx context.Context, after int64, size int) ([]Document, error), fn func([]Document) error) error {
	var after int64
	for {
		docs, err := page(ctx, after, size)
		if err != nil || len(docs) == 0 {
			return err
		}
		if err := fn(docs); err != nil {
			return err
		}
		if after, err = idOf(kind, docs[len(docs)-1].ID); err != nil {
			return err
		}
	}
}

// idOf reads back the number of a DocumentID of kind.
func idOf(kind, docID string) (int64, error) {
	k, id, ok := parseDocumentID(docID)
	if !ok || k != kind {
		return 0, fmt.Errorf("document id %q is not of kind %s", docID, kind)
	}
	return id, nil
}
