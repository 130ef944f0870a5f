package admin

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/errs"
)

// ReportRetention is how long a resolved barrier report is kept; the
// privacy page promises at most one year after resolution.
const ReportRetention = 365 * 24 * time.Hour

// Report is an accessibility barrier someone reported through
// /barrierefreiheit/melden.
type Report struct {
	ID          int64      `db:"id"`
	PageURL     string     `db:"page_url"`
	Description string     `db:"description"`
	Contact     *string    `db:"contact"`
	CreatedAt   time.Time  `db:"created_at"`
	ResolvedAt  *time.Time `db:"resolved_at"`
}

// ReportStore holds the SQL of barrier reports.
type ReportStore struct{ pool *pgxpool.Pool }

// NewReportStore returns a store on pool.
func NewReportStore(pool *pgxpool.Pool) *ReportStore { return &ReportStore{pool: pool} }

// Reports lists one page of reports, open ones first, each part newest
// first, and how many there are in all.
func (s *ReportStore) Reports(ctx context.Context, offset, limit int) ([]Report, int, error) {
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM barrier_reports`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count reports: %w", err)
	}
	rows, _ := s.pool.Query(ctx, `SELECT id, page_url, description, contact, created_at, resolved_at FROM barrier_reports
		ORDER BY resolved_at IS NOT NULL, created_at DESC, id DESC LIMIT $1 OFFSET $2`, limit, offset)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Report])
	if err != nil {
		return nil, 0, fmt.Errorf("list reports: %w", err)
	}
	return list, total, nil
}

// OpenReports counts the reports nobody has resolved yet.
func (s *ReportStore) OpenReports(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM barrier_reports WHERE resolved_at IS NULL`).Scan(&n)
	return n, err
}

// Resolve marks a report as resolved; resolving it twice keeps the first
// date, from which its retention runs.
func (s *ReportStore) Resolve(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE barrier_reports SET resolved_at = coalesce(resolved_at, now()) WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("resolve report: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return nil
}

// DeleteResolvedBefore deletes reports resolved before cutoff and says how
// many went.
func (s *ReportStore) DeleteResolvedBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM barrier_reports WHERE resolved_at < $1`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("delete old reports: %w", err)
	}
	return tag.RowsAffected(), nil
}
