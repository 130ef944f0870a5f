package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fachnetz/fachnetz/server/errs"
)

func TestConstraintNamesTheViolationAPersonCanFix(t *testing.T) {
	taken := errs.E(errs.Conflict, "space.slug_taken").OnField("slug")
	byName := map[string]*errs.Error{"spaces_slug_key": taken}
	unique := &pgconn.PgError{Code: "23505", ConstraintName: "spaces_slug_key"}
	own := errs.E(errs.NotFound, "error.not_found")
	broken := errors.New("connection reset")
	for name, tc := range map[string]struct {
		err      error
		byName   map[string]*errs.Error
		wantCode errs.Code
		wantKey  string // "" when the error is not one of the vocabulary's
		wantIs   error  // what the result must still carry
	}{
		"no error":                      {nil, byName, "", "", nil},
		"named unique violation":        {unique, byName, errs.Conflict, "space.slug_taken", nil},
		"named violation, wrapped":      {fmt.Errorf("insert: %w", unique), byName, errs.Conflict, "space.slug_taken", nil},
		"named foreign key violation":   {&pgconn.PgError{Code: "23503", ConstraintName: "spaces_slug_key"}, byName, errs.Conflict, "space.slug_taken", nil},
		"unnamed unique violation":      {&pgconn.PgError{Code: "23505", ConstraintName: "spaces_other_key"}, byName, errs.Internal, "", nil},
		"no names given":                {unique, nil, errs.Internal, "", nil},
		"failed check":                  {&pgconn.PgError{Code: "23514", ConstraintName: "spaces_name_check"}, nil, errs.Invalid, "error.invalid", nil},
		"error of the vocabulary stays": {own, byName, errs.NotFound, "error.not_found", own},
		"any other error is wrapped":    {broken, byName, errs.Internal, "", broken},
		"other statement error":         {&pgconn.PgError{Code: "42P01"}, byName, errs.Internal, "", nil},
	} {
		got := Constraint(tc.err, "create space", tc.byName)
		if tc.err == nil {
			if got != nil {
				t.Errorf("%s: Constraint = %v, want nil", name, got)
			}
			continue
		}
		if code := errs.CodeOf(got); code != tc.wantCode {
			t.Errorf("%s: code %q, want %q (%v)", name, code, tc.wantCode, got)
		}
		e, ok := errs.As(got)
		if tc.wantKey != "" && (!ok || e.Key != tc.wantKey) {
			t.Errorf("%s: %v, want key %q", name, got, tc.wantKey)
		}
		if tc.wantKey == "" && got.Error() != "create space: "+tc.err.Error() {
			t.Errorf("%s: %q does not say what was being done", name, got)
		}
		if tc.wantIs != nil && !errors.Is(got, tc.wantIs) {
			t.Errorf("%s: %v no longer carries %v", name, got, tc.wantIs)
		}
	}
	if e, _ := errs.As(Constraint(unique, "create space", byName)); e.Field != "slug" {
		t.Errorf("field %q, want the one the caller named", e.Field)
	}
}

// PostgreSQL itself names the violated constraint, also when the
// violation surfaces from a transaction.
func TestConstraintMapsWhatPostgreSQLReports(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := emptyDatabase(t)
	if _, err := db.Pool.Exec(ctx, `CREATE TABLE spaces (slug text UNIQUE, name text CHECK (name <> ''))`); err != nil {
		t.Fatal(err)
	}
	insert := func(slug, name string) error {
		return WithTx(ctx, db.Pool, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO spaces (slug, name) VALUES ($1, $2)`, slug, name)
			return err
		})
	}
	byName := map[string]*errs.Error{"spaces_slug_key": errs.E(errs.Conflict, "space.slug_taken").OnField("slug")}
	if err := Constraint(insert("amt", "Amt"), "create space", byName); err != nil {
		t.Fatal(err)
	}
	err := Constraint(insert("amt", "Amt"), "create space", byName)
	if e, ok := errs.As(err); !ok || e.Key != "space.slug_taken" {
		t.Errorf("taken slug: %v, want space.slug_taken", err)
	}
	err = Constraint(insert("rat", ""), "create space", byName)
	if e, ok := errs.As(err); !ok || e.Key != "error.invalid" {
		t.Errorf("empty name: %v, want error.invalid", err)
	}
}
