package postgres

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
)

type rowsAgency struct {
	ID   int64  `db:"id"`
	Slug string `db:"slug"`
	Name string `db:"name"`
}

// migratedAgencies is a migrated database holding the agencies amt and rat.
func migratedAgencies(t *testing.T) *TestDatabase {
	t.Helper()
	db, err := NewTestDatabase(context.Background(), "rows")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if _, err := db.Pool.Exec(context.Background(), `INSERT INTO agencies (slug, name) VALUES ('amt', 'Amt'), ('rat', 'Rat')`); err != nil {
		t.Fatal(err)
	}
	return db
}

func wantNotFound(t *testing.T, name string, err error) {
	t.Helper()
	if e, ok := errs.As(err); !ok || e.Code != errs.NotFound || e.Key != "error.not_found" {
		t.Errorf("%s: %v, want error.not_found", name, err)
	}
}

// wantWrapped: a failure that is not a missing row keeps its cause and
// says what was being done, and is no error a person is shown.
func wantWrapped(t *testing.T, name string, err error, what string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), what+": ") || errs.CodeOf(err) != errs.Internal {
		t.Errorf("%s: %v, want an internal error starting with %q", name, err, what)
	}
}

func TestOneLoadsTheRowOrSaysNotFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := migratedAgencies(t)
	query := func(where string) pgx.Rows {
		rows, _ := db.Pool.Query(ctx, `SELECT id, slug::text, name FROM agencies WHERE `+where)
		return rows
	}
	a, err := One[rowsAgency](query(`slug = 'rat'`), "load agency")
	if err != nil || a.Slug != "rat" || a.Name != "Rat" || a.ID == 0 {
		t.Fatalf("One = %+v, %v, want the agency rat", a, err)
	}
	_, err = One[rowsAgency](query(`slug = 'bund'`), "load agency")
	wantNotFound(t, "no row", err)
	_, err = One[rowsAgency](query(`true`), "load agency")
	wantWrapped(t, "two rows", err, "load agency")
	if !errors.Is(err, pgx.ErrTooManyRows) {
		t.Errorf("two rows: %v, want the cause kept", err)
	}
	_, err = One[rowsAgency](query(`no_such_column`), "load agency")
	wantWrapped(t, "broken query", err, "load agency")
}

func TestFoundAndValueMapTheErrorOfScan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := migratedAgencies(t)
	var name string
	if err := Found(db.Pool.QueryRow(ctx, `SELECT name FROM agencies WHERE slug = 'amt'`).Scan(&name), "agency name"); err != nil || name != "Amt" {
		t.Fatalf("Found = %v with %q, want nil with Amt", err, name)
	}
	if n, err := Value[int64](db.Pool.QueryRow(ctx, `SELECT count(*) FROM agencies`), "count agencies"); err != nil || n != 2 {
		t.Errorf("Value = %d, %v, want 2", n, err)
	}
	_, err := Value[string](db.Pool.QueryRow(ctx, `SELECT name FROM agencies WHERE slug = 'bund'`), "agency name")
	wantNotFound(t, "Value, no row", err)
	_, err = Value[string](db.Pool.QueryRow(ctx, `SELECT nothing FROM agencies`), "agency name")
	wantWrapped(t, "Value, broken query", err, "agency name")
	wantNotFound(t, "no row", Found(db.Pool.QueryRow(ctx, `SELECT name FROM agencies WHERE slug = 'bund'`).Scan(&name), "agency name"))
	wantWrapped(t, "broken query", Found(db.Pool.QueryRow(ctx, `SELECT nothing FROM agencies`).Scan(&name), "agency name"), "agency name")
}

func TestAllValuesAndMapReadEveryRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := migratedAgencies(t)
	rows, _ := db.Pool.Query(ctx, `SELECT id, slug::text, name FROM agencies ORDER BY slug`)
	list, err := All[rowsAgency](rows, "list agencies")
	if err != nil || len(list) != 2 || list[0].Slug != "amt" || list[1].Name != "Rat" {
		t.Fatalf("All = %+v, %v, want amt and rat", list, err)
	}
	rows, _ = db.Pool.Query(ctx, `SELECT id, slug::text, name FROM agencies ORDER BY slug DESC`)
	addrs, err := AllAddr[rowsAgency](rows, "list agencies")
	if err != nil || len(addrs) != 2 || addrs[0].Slug != "rat" || addrs[1].Slug != "amt" {
		t.Fatalf("AllAddr = %v, %v, want rat and amt", addrs, err)
	}
	rows, _ = db.Pool.Query(ctx, `SELECT slug::text FROM agencies ORDER BY slug`)
	slugs, err := Values[string](rows, "agency slugs")
	if err != nil || !slices.Equal(slugs, []string{"amt", "rat"}) {
		t.Fatalf("Values = %v, %v, want amt and rat", slugs, err)
	}
	rows, _ = db.Pool.Query(ctx, `SELECT id FROM agencies WHERE false`)
	if ids, err := Values[int64](rows, "agency ids"); err != nil || len(ids) != 0 {
		t.Errorf("no rows: %v, %v, want an empty list", ids, err)
	}
	rows, _ = db.Pool.Query(ctx, `SELECT slug::text, name FROM agencies`)
	names, err := Map[string, string](rows, "agency names")
	if err != nil || len(names) != 2 || names["amt"] != "Amt" || names["rat"] != "Rat" {
		t.Fatalf("Map = %v, %v, want amt: Amt and rat: Rat", names, err)
	}
	rows, _ = db.Pool.Query(ctx, `SELECT nothing FROM agencies`)
	_, err = Map[string, string](rows, "agency names")
	wantWrapped(t, "broken query, Map", err, "agency names")
	rows, _ = db.Pool.Query(ctx, `SELECT nothing FROM agencies`)
	_, err = All[rowsAgency](rows, "list agencies")
	wantWrapped(t, "broken query, All", err, "list agencies")
	rows, _ = db.Pool.Query(ctx, `SELECT nothing FROM agencies`)
	_, err = AllAddr[rowsAgency](rows, "list agencies")
	wantWrapped(t, "broken query, AllAddr", err, "list agencies")
	rows, _ = db.Pool.Query(ctx, `SELECT nothing FROM agencies`)
	_, err = Values[string](rows, "agency slugs")
	wantWrapped(t, "broken query, Values", err, "agency slugs")
}
