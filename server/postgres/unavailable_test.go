package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestUnavailableTellsAnOutageFromAFailedStatement(t *testing.T) {
	// A port nobody listens on: the connection is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	// As a running server meets it: its pool cannot get a connection.
	pool, err := pgxpool.New(context.Background(), "postgres://x:y@"+addr+"/z?sslmode=disable&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, refused := pool.Exec(context.Background(), `SELECT 1`)
	if refused == nil {
		t.Fatal("a query through a closed port succeeded")
	}
	for name, tc := range map[string]struct {
		err  error
		want bool
	}{
		"connection refused":          {refused, true},
		"wrapped":                     {fmt.Errorf("load page: %w", refused), true},
		"shutting down (57P01)":       {&pgconn.PgError{Code: "57P01"}, true},
		"not yet accepting (57P03)":   {&pgconn.PgError{Code: "57P03"}, true},
		"connection failure (08006)":  {&pgconn.PgError{Code: "08006"}, true},
		"unique violation (23505)":    {&pgconn.PgError{Code: "23505"}, false},
		"an error of the application": {errors.New("no such page"), false},
		"no error":                    {nil, false},
	} {
		if got := Unavailable(tc.err); got != tc.want {
			t.Errorf("%s: Unavailable = %v, want %v (%v)", name, got, tc.want, tc.err)
		}
	}
}
