package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
)

// Found turns the error of reading the one row a store asked for into the
// error vocabulary: no row is not found, any other error is wrapped with
// what was being done, nil stays nil. Stores use it after
// QueryRow(...).Scan(...).
func Found(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return fmt.Errorf("%s: %w", what, err)
}

// One reads the one row of rows into a T by column name (see Found for its
// errors). A query that finds more than one row is a mistake of the store,
// not a missing thing, and fails as such.
func One[T any](rows pgx.Rows, what string) (T, error) {
	v, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[T])
	return v, Found(err, what)
}

// Value reads the one value of a row, such as the id an INSERT returns
// (see Found for its errors).
func Value[T any](row pgx.Row, what string) (T, error) {
	var v T
	err := row.Scan(&v)
	return v, Found(err, what)
}

// All reads every row of rows into a T by column name; a failure is
// wrapped with what was being done.
func All[T any](rows pgx.Rows, what string) ([]T, error) {
	return collect(rows, pgx.RowToStructByName[T], what)
}

// AllAddr is All for lists whose items are linked to each other after
// reading, such as a tree of units.
func AllAddr[T any](rows pgx.Rows, what string) ([]*T, error) {
	return collect(rows, pgx.RowToAddrOfStructByName[T], what)
}

// Values reads the one column of every row of rows, such as a list of ids.
func Values[T any](rows pgx.Rows, what string) ([]T, error) {
	return collect(rows, pgx.RowTo[T], what)
}

// Map reads rows of two columns, a key and its value, into a map; a key
// that comes again keeps its last value.
func Map[K comparable, V any](rows pgx.Rows, what string) (map[K]V, error) {
	out := map[K]V{}
	var k K
	var v V
	_, err := pgx.ForEachRow(rows, []any{&k, &v}, func() error {
		out[k] = v
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

func collect[T any](rows pgx.Rows, scan pgx.RowToFunc[T], what string) ([]T, error) {
	list, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return list, nil
}
