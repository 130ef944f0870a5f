package search

import (
	"context"

	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// TextSource is a QuerySource of texts in spaces, whose file numbers
// follow the patterns of the space's agency.
type TextSource struct {
	*QuerySource
	fileNumbers FileNumbersOf
}

// FileNumbersOf returns the file-number patterns of an agency, whose
// matches are indexed as typed.
type FileNumbersOf func(ctx context.Context, agencyID int64) (*markdown.FileNumbers, error)

// NewTextSource returns the text source of q on db; fileNumbers nil:
// texts link no file numbers.
func NewTextSource(db postgres.Querier, q DocumentQuery, fileNumbers FileNumbersOf) *TextSource {
	return &TextSource{QuerySource: NewQuerySource(db, q), fileNumbers: fileNumbers}
}

// FileNumberSets asks for the patterns of each agency once while a batch
// of documents is read.
type FileNumberSets struct {
	src  *TextSource
	sets map[int64]*markdown.FileNumbers
}

// Sets starts the patterns of one batch.
func (s *TextSource) Sets() FileNumberSets {
	return FileNumberSets{src: s, sets: map[int64]*markdown.FileNumbers{}}
}

// Of is the patterns of an agency; none without a FileNumbersOf.
func (f FileNumberSets) Of(ctx context.Context, agencyID int64) (*markdown.FileNumbers, error) {
	if set, ok := f.sets[agencyID]; ok || f.src.fileNumbers == nil {
		return set, nil
	}
	set, err := f.src.fileNumbers(ctx, agencyID)
	if err == nil {
		f.sets[agencyID] = set
	}
	return set, err
}
