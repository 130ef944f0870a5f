package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// WithTx keeps nothing of a transaction whose function fails or panics,
// and gives the pool its connection back either way.
func TestWithTxCommitsOnlyWhatSucceeds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db := emptyDatabase(t)
	// One connection: a transaction left open makes the next one wait.
	cfg, err := pgxpool.ParseConfig(db.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE steps (n integer PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	insert := func(n int, then func() error) error {
		return WithTx(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO steps VALUES ($1)`, n); err != nil {
				return err
			}
			return then()
		})
	}
	held := func(after string) {
		if n := pool.Stat().AcquiredConns(); n != 0 {
			// Closing the pool would wait for the connection for ever.
			t.Fatalf("the connection is still held after %s", after)
		}
	}
	if err := insert(1, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	held("a commit")
	refused := errors.New("refused")
	if err := insert(2, func() error { return refused }); !errors.Is(err, refused) {
		t.Errorf("error of the function: %v, want %v", err, refused)
	}
	held("an error")
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not reach the caller")
			}
		}()
		insert(3, func() error { panic("broken") }) //nolint:errcheck // it panics
	}()
	held("a panic")
	defer pool.Close()
	rows, _ := pool.Query(ctx, `SELECT n FROM steps ORDER BY n`)
	steps, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 1 || steps[0] != 1 {
		t.Errorf("steps %v, want only the committed [1]", steps)
	}
}
