package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// FreeHandleIn returns a handle derived from email that no account uses
// yet ("anna-schmidt", else "anna-schmidt2", …), read through q: the
// pool, or the transaction that creates the account, so that the import
// of a directory sees the accounts it made before.
func FreeHandleIn(ctx context.Context, q postgres.Querier, email string) (string, error) {
	base := HandleFromEmail(email)
	var h string
	err := q.QueryRow(ctx, `SELECT CASE WHEN i = 1 THEN $1 ELSE $1 || i END FROM generate_series(1, 999) i
		WHERE NOT EXISTS (SELECT FROM accounts WHERE handle = CASE WHEN i = 1 THEN $1 ELSE $1 || i END)
		ORDER BY i LIMIT 1`, base).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", errs.E(errs.Conflict, "account.handle_taken")
	}
	if err != nil {
		return "", fmt.Errorf("free handle for %s: %w", email, err)
	}
	return h, nil
}
