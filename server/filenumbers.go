package main

import (
	"context"

	"github.com/fachnetz/fachnetz/server/markdown"
)

// fileNumbersIn are the patterns that apply in a space: its agency's.
func (s *Server) fileNumbersIn(ctx context.Context, spaceID int64) (*markdown.FileNumbers, error) {
	return s.fileNumbers.Set(ctx, s.enforcer.AgencyOf(spaceID))
}
