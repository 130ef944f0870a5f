package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fachnetz/fachnetz/server/errs"
)

// checkViolation is SQLSTATE check_violation.
const checkViolation = "23514"

// Constraint turns the constraint violations a person can fix into errors
// they can read: the violation of a constraint named in byName becomes the
// error given there, a failed check (input the form let through) an
// invalid request. An error that already speaks the errs vocabulary stays
// as it is; any other is wrapped with what was being done.
func Constraint(err error, what string, byName map[string]*errs.Error) error {
	if err == nil {
		return nil
	}
	if _, ok := errs.As(err); ok {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// A constraint name is unique in the schema and says which kind of
		// violation it can raise, so the name alone picks the error.
		if e, ok := byName[pe.ConstraintName]; ok && pe.ConstraintName != "" {
			return e
		}
		if pe.Code == checkViolation {
			return errs.E(errs.Invalid, "error.invalid")
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}
