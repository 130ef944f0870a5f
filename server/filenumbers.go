package main

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/qa"
	"github.com/fachnetz/fachnetz/server/filenumbers"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/wiki"
)

// newFileNumbers builds the agencies' file-number patterns; a change
// queues the pages and questions of the agency's spaces for the search
// index, whose file_numbers field follows the patterns.
func (s *Server) newFileNumbers() *filenumbers.Service {
	f := filenumbers.New(s.pool, s.log)
	f.Changed = func(ctx context.Context, tx pgx.Tx, agencyID int64) error {
		if err := wiki.EnqueueAgencyPages(ctx, tx, agencyID); err != nil {
			return err
		}
		return qa.EnqueueAgencyQuestions(ctx, tx, agencyID)
	}
	return f
}

// fileNumbersIn are the patterns that apply in a space: its agency's.
func (s *Server) fileNumbersIn(ctx context.Context, spaceID int64) (*markdown.FileNumbers, error) {
	return s.fileNumbers.Set(ctx, s.enforcer.AgencyOf(spaceID))
}
