package qa

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// replier is the account a reply address was made for.
type replier struct {
	Email  string
	Locale string
	Active bool
}

// Replier loads the address, language and state of an account.
func (st *Store) Replier(ctx context.Context, accountID int64) (replier, error) {
	var r replier
	err := st.pool.QueryRow(ctx, `SELECT lower(email::text), locale, disabled_at IS NULL FROM accounts WHERE id = $1`, accountID).
		Scan(&r.Email, &r.Locale, &r.Active)
	if err != nil {
		return r, postgres.Found(err, fmt.Sprintf("account %d of a reply", accountID))
	}
	return r, nil
}

// MailReplyTaken reports whether a reply with this hash became a post.
func (st *Store) MailReplyTaken(ctx context.Context, hash []byte) (bool, error) {
	return postgres.Value[bool](st.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM mail_replies WHERE hash = $1)`, hash), "mail reply taken")
}

// TakeMailReply records a reply in the transaction of its post; false
// when it was recorded before. A second delivery that runs at the same
// time waits here for the first one's commit.
func (st *Store) TakeMailReply(ctx context.Context, tx pgx.Tx, hash []byte) (bool, error) {
	tag, err := tx.Exec(ctx, `INSERT INTO mail_replies (hash) VALUES ($1) ON CONFLICT DO NOTHING`, hash)
	if err != nil {
		return false, fmt.Errorf("take mail reply: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// SweepMailReplies forgets replies taken before a time.
func (st *Store) SweepMailReplies(ctx context.Context, before time.Time) error {
	if _, err := st.pool.Exec(ctx, `DELETE FROM mail_replies WHERE taken_at < $1`, before); err != nil {
		return fmt.Errorf("sweep mail replies: %w", err)
	}
	return nil
}
