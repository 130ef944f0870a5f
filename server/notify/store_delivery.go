package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/postgres"
)

// Contact is how a person is reached outside the app.
type Contact struct {
	Email    string
	Locale   string
	MatrixID string // "" when none was given
}

// Preferences returns the modes a person chose.
func (st *Store) Preferences(ctx context.Context, accountID int64) (Preferences, error) {
	rows, err := st.pool.Query(ctx, `SELECT topic, channel, mode FROM notification_preferences WHERE account_id = $1`, accountID)
	if err != nil {
		return nil, fmt.Errorf("preferences of %d: %w", accountID, err)
	}
	p := Preferences{}
	for rows.Next() {
		var topic, channel, mode string
		if err := rows.Scan(&topic, &channel, &mode); err != nil {
			return nil, fmt.Errorf("scan preference: %w", err)
		}
		p.Set(topic, channel, mode)
	}
	return p, rows.Err()
}

// SavePreferences stores every mode of p and the contact details in one
// transaction.
func (st *Store) SavePreferences(ctx context.Context, accountID int64, p Preferences, locale, matrixID string) error {
	return postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		for topic, byChannel := range p {
			for channel, mode := range byChannel {
				if _, err := tx.Exec(ctx, `INSERT INTO notification_preferences (account_id, topic, channel, mode) VALUES ($1, $2, $3, $4)
					ON CONFLICT (account_id, topic, channel) DO UPDATE SET mode = EXCLUDED.mode`, accountID, topic, channel, mode); err != nil {
					return fmt.Errorf("save preference %s/%s: %w", topic, channel, err)
				}
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET locale = $2, matrix_id = NULLIF($3, '') WHERE id = $1`, accountID, locale, matrixID); err != nil {
			return fmt.Errorf("save contact of %d: %w", accountID, err)
		}
		return nil
	})
}

// SetMode stores one mode, for an unsubscribe link.
func (st *Store) SetMode(ctx context.Context, accountID int64, topic, channel, mode string) error {
	_, err := st.pool.Exec(ctx, `INSERT INTO notification_preferences (account_id, topic, channel, mode) VALUES ($1, $2, $3, $4)
		ON CONFLICT (account_id, topic, channel) DO UPDATE SET mode = EXCLUDED.mode`, accountID, topic, channel, mode)
	if err != nil {
		return fmt.Errorf("set preference %s/%s of %d: %w", topic, channel, accountID, err)
	}
	return nil
}

// Contact returns how a person is reached.
func (st *Store) Contact(ctx context.Context, accountID int64) (Contact, error) {
	var c Contact
	err := st.pool.QueryRow(ctx, `SELECT email, locale, coalesce(matrix_id, '') FROM accounts WHERE id = $1`, accountID).
		Scan(&c.Email, &c.Locale, &c.MatrixID)
	if err != nil {
		return c, postgres.Found(err, fmt.Sprintf("contact of %d", accountID))
	}
	return c, nil
}

// InApp returns those of ids who keep the app's notifications of a topic
// on.
func (st *Store) InApp(ctx context.Context, tx pgx.Tx, topic string, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, _ := tx.Query(ctx, `SELECT r FROM unnest($2::bigint[]) AS r
		WHERE NOT EXISTS (SELECT FROM notification_preferences p
			WHERE p.account_id = r AND p.topic = $1 AND p.channel = 'app' AND p.mode = 'off')`, topic, ids)
	return postgres.Values[int64](rows, "in-app recipients")
}

// recipientModes is how one recipient hears of a topic outside the app.
type recipientModes struct {
	AccountID     int64
	Email, Matrix string // modes; "" for the default
	HasMatrix     bool
}

// RecipientModes returns the e-mail and Matrix modes of a topic for the
// active accounts among ids, and whether each has a Matrix ID.
func (st *Store) RecipientModes(ctx context.Context, tx pgx.Tx, topic string, ids []int64) ([]recipientModes, error) {
	rows, err := tx.Query(ctx, `SELECT a.id, coalesce(pe.mode, ''), coalesce(pm.mode, ''), a.matrix_id IS NOT NULL
		FROM accounts a
		LEFT JOIN notification_preferences pe ON pe.account_id = a.id AND pe.topic = $1 AND pe.channel = 'email'
		LEFT JOIN notification_preferences pm ON pm.account_id = a.id AND pm.topic = $1 AND pm.channel = 'matrix'
		WHERE a.id = ANY($2) AND a.disabled_at IS NULL`, topic, ids)
	if err != nil {
		return nil, fmt.Errorf("recipient modes: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (recipientModes, error) {
		var m recipientModes
		err := r.Scan(&m.AccountID, &m.Email, &m.Matrix, &m.HasMatrix)
		return m, err
	})
}

// SpaceRoom returns the Matrix room a space posts to and the event kinds
// it posts; room is "" when the space has none.
func (st *Store) SpaceRoom(ctx context.Context, q pgx.Tx, spaceID int64) (room string, kinds []string, err error) {
	err = q.QueryRow(ctx, `SELECT coalesce(matrix_room, ''), matrix_kinds FROM spaces WHERE id = $1`, spaceID).Scan(&room, &kinds)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", nil, fmt.Errorf("room of space %d: %w", spaceID, err)
	}
	return room, kinds, nil
}

// newDelivery is a delivery row to insert.
type newDelivery struct {
	Channel   string
	AccountID int64 // 0 for a room post
	Digest    string
	DueAt     time.Time // zero for at once
}

// InsertDeliveries writes the deliveries of an event.
func (st *Store) InsertDeliveries(ctx context.Context, tx pgx.Tx, eventID, spaceID int64, list []newDelivery) error {
	for _, d := range list {
		var due any // now by the database's clock, which claiming compares with
		if !d.DueAt.IsZero() {
			due = d.DueAt
		}
		if _, err := tx.Exec(ctx, `INSERT INTO deliveries (channel, event_id, account_id, space_id, digest, due_at, next_attempt_at)
			VALUES ($1, $2, NULLIF($3, 0), $4, $5, coalesce($6::timestamptz, now()), coalesce($6::timestamptz, now()))`,
			d.Channel, eventID, d.AccountID, spaceID, d.Digest, due); err != nil {
			return fmt.Errorf("insert %s delivery of event %d: %w", d.Channel, eventID, err)
		}
	}
	return nil
}

// claimed is a delivery taken for sending, with what its message says.
type claimed struct {
	ID        int64
	UID       string
	Channel   string
	AccountID int64
	Digest    string
	Attempts  int
	Kind      string
	Title     string
	URL       string
	// SubjectType and SubjectID are the item the event is about, which a
	// reply address names.
	SubjectType string
	SubjectID   int64
	SpaceID     int64
	SpaceName   string
	Room        string
	Email       string
	Locale      string
	MatrixID    string
	CreatedAt   time.Time
}

// Claim takes up to limit due deliveries of channels and leases them until now+lease:
// another server skips the locked rows and, after the commit, the leased
// ones. A person's digest rows are due together and so mostly claimed
// together.
func (st *Store) Claim(ctx context.Context, channels []string, lease time.Duration, limit int) ([]claimed, error) {
	rows, err := st.pool.Query(ctx, `WITH due AS (
			SELECT id FROM deliveries
			WHERE sent_at IS NULL AND next_attempt_at <= now() AND channel = ANY($3)
			ORDER BY account_id, id LIMIT $2 FOR UPDATE SKIP LOCKED),
		taken AS (
			UPDATE deliveries d SET next_attempt_at = now() + $1::interval, attempts = attempts + 1
			FROM due WHERE d.id = due.id
			RETURNING d.*)
		SELECT t.id, t.uid::text, t.channel, coalesce(t.account_id, 0), t.digest, t.attempts,
			e.kind, e.title, e.url, e.subject_type, e.subject_id, e.space_id, s.name, coalesce(s.matrix_room, ''),
			coalesce(a.email::text, ''), coalesce(a.locale, 'de'), coalesce(a.matrix_id, ''), e.created_at
		FROM taken t
		JOIN notification_events e ON e.id = t.event_id
		JOIN spaces s ON s.id = e.space_id
		LEFT JOIN accounts a ON a.id = t.account_id
		ORDER BY t.account_id, t.id`, lease.String(), limit, channels)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (claimed, error) {
		var c claimed
		err := r.Scan(&c.ID, &c.UID, &c.Channel, &c.AccountID, &c.Digest, &c.Attempts, &c.Kind, &c.Title, &c.URL,
			&c.SubjectType, &c.SubjectID, &c.SpaceID, &c.SpaceName, &c.Room, &c.Email, &c.Locale, &c.MatrixID, &c.CreatedAt)
		return c, err
	})
}

// MarkSent records deliveries as done; note is "" when they were sent,
// else why they were not (no access any more, given up).
func (st *Store) MarkSent(ctx context.Context, ids []int64, note string) error {
	_, err := st.pool.Exec(ctx, `UPDATE deliveries SET sent_at = now(), last_error = $2 WHERE id = ANY($1)`, ids, note)
	if err != nil {
		return fmt.Errorf("mark deliveries sent: %w", err)
	}
	return nil
}

// Retry records a failed attempt and when to try again.
func (st *Store) Retry(ctx context.Context, ids []int64, reason string, after time.Duration) error {
	_, err := st.pool.Exec(ctx, `UPDATE deliveries SET last_error = $2, next_attempt_at = now() + $3::interval WHERE id = ANY($1)`,
		ids, truncate(reason, 500), after.String())
	if err != nil {
		return fmt.Errorf("retry deliveries: %w", err)
	}
	return nil
}

// channelBacklog is what waits to be sent on one channel.
type channelBacklog struct {
	Due, Failing int
	Oldest       time.Time
}

// Backlog returns, by channel, the deliveries due and unsent, how many of
// them failed before, and since when the oldest waits.
func (st *Store) Backlog(ctx context.Context) (map[string]channelBacklog, error) {
	rows, err := st.pool.Query(ctx, `SELECT channel, count(*), count(*) FILTER (WHERE last_error <> ''), min(due_at)
		FROM deliveries WHERE sent_at IS NULL AND due_at <= now() GROUP BY channel`)
	if err != nil {
		return nil, fmt.Errorf("delivery backlog: %w", err)
	}
	out := map[string]channelBacklog{}
	for rows.Next() {
		var ch string
		var b channelBacklog
		if err := rows.Scan(&ch, &b.Due, &b.Failing, &b.Oldest); err != nil {
			return nil, err
		}
		out[ch] = b
	}
	return out, rows.Err()
}

// SweepDeliveries deletes deliveries done before a time.
func (st *Store) SweepDeliveries(ctx context.Context, before time.Time) error {
	_, err := st.pool.Exec(ctx, `DELETE FROM deliveries WHERE sent_at < $1`, before)
	if err != nil {
		return fmt.Errorf("sweep deliveries: %w", err)
	}
	return nil
}

// DirectRoom returns the room opened for direct messages to matrixID, or
// "".
func (st *Store) DirectRoom(ctx context.Context, accountID int64, matrixID string) (string, error) {
	var room string
	err := st.pool.QueryRow(ctx, `SELECT room_id FROM matrix_direct_rooms WHERE account_id = $1 AND matrix_id = $2`, accountID, matrixID).Scan(&room)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("direct room of %d: %w", accountID, err)
	}
	return room, nil
}

// SaveDirectRoom remembers the room for direct messages to matrixID.
func (st *Store) SaveDirectRoom(ctx context.Context, accountID int64, matrixID, room string) error {
	_, err := st.pool.Exec(ctx, `INSERT INTO matrix_direct_rooms (account_id, matrix_id, room_id) VALUES ($1, $2, $3)
		ON CONFLICT (account_id) DO UPDATE SET matrix_id = EXCLUDED.matrix_id, room_id = EXCLUDED.room_id`, accountID, matrixID, room)
	if err != nil {
		return fmt.Errorf("save direct room of %d: %w", accountID, err)
	}
	return nil
}

// InstanceKey returns the key named name, storing fresh as it when there
// is none yet; every server then signs with the same key.
func (st *Store) InstanceKey(ctx context.Context, name string, fresh []byte) ([]byte, error) {
	// The no-op update returns the stored key also when another server
	// stores its own at the same moment, which a separate SELECT in the
	// same statement would not yet see.
	var key []byte
	err := st.pool.QueryRow(ctx, `INSERT INTO instance_keys (name, secret) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING secret`, name, fresh).Scan(&key)
	if err != nil {
		return nil, fmt.Errorf("instance key %s: %w", name, err)
	}
	return key, nil
}
