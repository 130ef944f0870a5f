package main

import (
	"context"

	"github.com/fachnetz/fachnetz/server/filenumbers"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/search"
)

// newFileNumbers builds the agencies' file-number patterns; a change
// writes the agency into the search outbox, whose worker indexes the
// texts of its spaces again with the new patterns.
func (s *Server) newFileNumbers() *filenumbers.Service {
	f := filenumbers.New(s.pool, s.log)
	f.Changed = search.AgencyChanged
	return f
}

// fileNumbersIn are the patterns that apply in a space: its agency's.
func (s *Server) fileNumbersIn(ctx context.Context, spaceID int64) (*markdown.FileNumbers, error) {
	return s.fileNumbers.Set(ctx, s.enforcer.AgencyOf(spaceID))
}
