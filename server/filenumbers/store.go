package filenumbers

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// Pattern is a stored pattern of an agency.
type Pattern struct {
	ID          int64     `db:"id"`
	AgencyID    int64     `db:"agency_id"`
	Label       string    `db:"label"`
	Pattern     string    `db:"pattern"`
	URLTemplate string    `db:"url_template"`
	UpdatedAt   time.Time `db:"updated_at"`
}

// Store reads and writes file_number_patterns.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns the store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

const columns = `id, agency_id, label, pattern, url_template, updated_at`

// List returns the patterns of an agency in the order they were made,
// which is the order they apply in.
func (s *Store) List(ctx context.Context, agencyID int64) ([]Pattern, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+columns+` FROM file_number_patterns WHERE agency_id = $1 ORDER BY id`, agencyID)
	return postgres.All[Pattern](rows, fmt.Sprintf("file number patterns of agency %d", agencyID))
}

// Get returns a pattern of an agency.
func (s *Store) Get(ctx context.Context, agencyID, id int64) (Pattern, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+columns+` FROM file_number_patterns WHERE agency_id = $1 AND id = $2`, agencyID, id)
	return postgres.One[Pattern](rows, fmt.Sprintf("file number pattern %d", id))
}

// Insert adds a pattern unless the agency has max already; the count is
// taken under a lock of the agency's row, so that two admins at once
// cannot pass it together.
func (s *Store) Insert(ctx context.Context, tx pgx.Tx, agencyID int64, in Input, max int) (int64, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM file_number_patterns WHERE agency_id = a.id) FROM agencies a WHERE a.id = $1 FOR UPDATE`,
		agencyID).Scan(&n); err != nil {
		return 0, postgres.Found(err, "count file number patterns")
	}
	if n >= max {
		return 0, errs.E(errs.Invalid, "filenumbers.too_many", "Max", max).OnField("pattern")
	}
	return postgres.Value[int64](tx.QueryRow(ctx, `INSERT INTO file_number_patterns (agency_id, label, pattern, url_template) VALUES ($1, $2, $3, $4) RETURNING id`,
		agencyID, in.Label, in.Pattern, in.URLTemplate), "insert file number pattern")
}

// Update changes a pattern of an agency.
func (s *Store) Update(ctx context.Context, tx pgx.Tx, agencyID, id int64, in Input) error {
	tag, err := tx.Exec(ctx, `UPDATE file_number_patterns SET label = $3, pattern = $4, url_template = $5, updated_at = now()
		WHERE agency_id = $1 AND id = $2`, agencyID, id, in.Label, in.Pattern, in.URLTemplate)
	if err != nil {
		return fmt.Errorf("update file number pattern %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return nil
}

// Delete removes a pattern of an agency.
func (s *Store) Delete(ctx context.Context, tx pgx.Tx, agencyID, id int64) error {
	tag, err := tx.Exec(ctx, `DELETE FROM file_number_patterns WHERE agency_id = $1 AND id = $2`, agencyID, id)
	if err != nil {
		return fmt.Errorf("delete file number pattern %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return nil
}
