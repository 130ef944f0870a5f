package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestUnavailableTellsAnOutageFromAFailedStatement(t *testing.T) {
	// As a running server meets it: its pool cannot get a connection.
	refused := UnreachableError(context.Background())
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
		"the request ended":           {fmt.Errorf("load page: %w", context.Canceled), false},
		"the request ran out of time": {fmt.Errorf("load page: %w", context.DeadlineExceeded), false},
		"another service away":        {&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, false},
		"no error":                    {nil, false},
	} {
		if got := Unavailable(tc.err); got != tc.want {
			t.Errorf("%s: Unavailable = %v, want %v (%v)", name, got, tc.want, tc.err)
		}
	}
}
