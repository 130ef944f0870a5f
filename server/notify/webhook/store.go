package webhook

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// Endpoint is a registered webhook of a space.
type Endpoint struct {
	ID           int64      `db:"id" json:"id"`
	SpaceID      int64      `db:"space_id" json:"-"`
	CreatedBy    int64      `db:"created_by" json:"-"`
	URL          string     `db:"url" json:"url"`
	Kinds        []string   `db:"kinds" json:"events"`
	Active       bool       `db:"active" json:"active"`
	FailingSince *time.Time `db:"failing_since" json:"failing_since,omitempty"`
	DisabledAt   *time.Time `db:"disabled_at" json:"disabled_at,omitempty"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
}

// Delivery is one message to an endpoint, as the log shows it.
type Delivery struct {
	ID         int64      `db:"id" json:"-"`
	UID        string     `db:"uid" json:"id"`
	EventType  string     `db:"event_type" json:"type"`
	State      string     `db:"state" json:"state"`
	Attempts   int        `db:"attempts" json:"attempts"`
	LastStatus *int       `db:"last_status" json:"last_status"`
	LastError  string     `db:"last_error" json:"last_error,omitempty"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	DoneAt     *time.Time `db:"done_at" json:"done_at,omitempty"`
}

// claimed is a delivery a sender leased, with what sending it needs.
type claimed struct {
	ID        int64  `db:"id"`
	UID       string `db:"uid"`
	WebhookID int64  `db:"webhook_id"`
	Body      string `db:"body"`
	Attempts  int    `db:"attempts"`
	URL       string `db:"url"`
	Secret    []byte `db:"secret"`
	Active    bool   `db:"active"`
	CreatedBy int64  `db:"created_by"`
	SpaceID   int64  `db:"space_id"`
}

// Store holds the SQL of webhooks, their deliveries and attempts.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

var errNotFound = errs.E(errs.NotFound, "error.not_found")

const endpointColumns = `id, space_id, created_by, url, kinds, active, failing_since, disabled_at, created_at`

// Create registers an endpoint.
func (st *Store) Create(ctx context.Context, spaceID, createdBy int64, url string, kinds []string, secret []byte) (Endpoint, error) {
	rows, _ := st.pool.Query(ctx, `INSERT INTO webhooks (space_id, created_by, url, kinds, secret)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+endpointColumns, spaceID, createdBy, url, kinds, secret)
	e, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Endpoint])
	if err != nil {
		return Endpoint{}, fmt.Errorf("create webhook: %w", err)
	}
	return e, nil
}

// Endpoints lists a space's endpoints, oldest first.
func (st *Store) Endpoints(ctx context.Context, spaceID int64) ([]Endpoint, error) {
	rows, _ := st.pool.Query(ctx, `SELECT `+endpointColumns+` FROM webhooks WHERE space_id = $1 ORDER BY id`, spaceID)
	return postgres.All[Endpoint](rows, "list webhooks")
}

// Endpoint returns one endpoint of a space; one of another space is not
// found.
func (st *Store) Endpoint(ctx context.Context, spaceID, id int64) (Endpoint, error) {
	rows, _ := st.pool.Query(ctx, `SELECT `+endpointColumns+` FROM webhooks WHERE space_id = $1 AND id = $2`, spaceID, id)
	return postgres.One[Endpoint](rows, fmt.Sprintf("webhook %d", id))
}

// Delete removes an endpoint with its deliveries.
func (st *Store) Delete(ctx context.Context, spaceID, id int64) error {
	tag, err := st.pool.Exec(ctx, `DELETE FROM webhooks WHERE space_id = $1 AND id = $2`, spaceID, id)
	if err != nil {
		return fmt.Errorf("delete webhook %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return errNotFound
	}
	return nil
}

// Enable switches an endpoint on again and forgets its failures.
func (st *Store) Enable(ctx context.Context, spaceID, id int64) error {
	tag, err := st.pool.Exec(ctx, `UPDATE webhooks SET active = true, failing_since = NULL, disabled_at = NULL
		WHERE space_id = $1 AND id = $2`, spaceID, id)
	if err != nil {
		return fmt.Errorf("enable webhook %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return errNotFound
	}
	return nil
}

// Deliveries returns an endpoint's latest deliveries, newest first.
func (st *Store) Deliveries(ctx context.Context, webhookID int64, limit int) ([]Delivery, error) {
	rows, _ := st.pool.Query(ctx, `SELECT id, uid::text, event_type, state, attempts, last_status, last_error, created_at, done_at
		FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2`, webhookID, limit)
	return postgres.All[Delivery](rows, fmt.Sprintf("deliveries of webhook %d", webhookID))
}

// SpaceSlugIfHooked returns the slug of a space that has an active
// endpoint for kind; ok is false when none takes it.
func (st *Store) SpaceSlugIfHooked(ctx context.Context, tx pgx.Tx, spaceID int64, kind string) (slug string, ok bool, err error) {
	err = tx.QueryRow(ctx, `SELECT slug FROM spaces WHERE id = $1
		AND EXISTS (SELECT 1 FROM webhooks WHERE space_id = $1 AND active AND $2 = ANY(kinds))`, spaceID, kind).Scan(&slug)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("webhooks of space %d: %w", spaceID, err)
	}
	return slug, true, nil
}

// SpaceSlug returns a space's slug, for the address of a notification.
func (st *Store) SpaceSlug(ctx context.Context, tx pgx.Tx, spaceID int64) (string, error) {
	return postgres.Value[string](tx.QueryRow(ctx, `SELECT slug FROM spaces WHERE id = $1`, spaceID), fmt.Sprintf("slug of space %d", spaceID))
}

// Enqueue writes one delivery per active endpoint of the space that takes
// kind, in the event's transaction.
func (st *Store) Enqueue(ctx context.Context, tx pgx.Tx, spaceID int64, kind string, eventID int64, eventType, body string) error {
	_, err := tx.Exec(ctx, `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, body)
		SELECT id, $3, $4, $5 FROM webhooks WHERE space_id = $1 AND active AND $2 = ANY(kinds) ORDER BY id`,
		spaceID, kind, eventID, eventType, body)
	if err != nil {
		return fmt.Errorf("enqueue webhook deliveries: %w", err)
	}
	return nil
}

// Claim leases up to limit due deliveries to the caller until now+lease.
// SKIP LOCKED lets several senders claim at once without waiting for or
// taking each other's rows; the lease keeps a row from being claimed again
// while it is being sent.
func (st *Store) Claim(ctx context.Context, limit int, lease time.Duration) ([]claimed, error) {
	rows, _ := st.pool.Query(ctx, `WITH due AS (
			SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= now()
			ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
		UPDATE webhook_deliveries d SET next_attempt_at = now() + $2::interval
		FROM due, webhooks w WHERE d.id = due.id AND w.id = d.webhook_id
		RETURNING d.id, d.uid::text AS uid, d.webhook_id, d.body, d.attempts, w.url, w.secret, w.active, w.created_by, w.space_id`,
		limit, lease.String())
	return postgres.All[claimed](rows, "claim webhook deliveries")
}

// Skip drops a delivery that may no longer be sent.
func (st *Store) Skip(ctx context.Context, id int64, why string) error {
	_, err := st.pool.Exec(ctx, `UPDATE webhook_deliveries SET state = 'skipped', last_error = $2, done_at = now()
		WHERE id = $1 AND state = 'pending'`, id, why)
	if err != nil {
		return fmt.Errorf("skip webhook delivery %d: %w", id, err)
	}
	return nil
}

// Record saves an attempt: the delivery is done (delivered) or due again
// at retry. The endpoint's failure run ends with a success and starts with
// the first failure after one.
func (st *Store) Record(ctx context.Context, tx pgx.Tx, d claimed, status *int, errText string, delivered bool, retry time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO webhook_attempts (delivery_id, status, error) VALUES ($1, $2, $3)`, d.ID, status, errText); err != nil {
		return fmt.Errorf("record webhook attempt: %w", err)
	}
	state, done := "pending", (*time.Time)(nil)
	if delivered {
		now := time.Now()
		state, done = "delivered", &now
	}
	_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $2, last_error = $3,
		state = $4, done_at = $5, next_attempt_at = $6 WHERE id = $1 AND state = 'pending'`, d.ID, status, errText, state, done, retry)
	if err != nil {
		return fmt.Errorf("update webhook delivery %d: %w", d.ID, err)
	}
	if delivered {
		_, err = tx.Exec(ctx, `UPDATE webhooks SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, d.WebhookID)
	} else {
		_, err = tx.Exec(ctx, `UPDATE webhooks SET failing_since = now() WHERE id = $1 AND failing_since IS NULL`, d.WebhookID)
	}
	if err != nil {
		return fmt.Errorf("webhook %d failure state: %w", d.WebhookID, err)
	}
	return nil
}

// SwitchOffIfFailing switches an endpoint off when it has failed since
// before cutoff; ok tells whether this call did it, so that its creator
// is told once.
func (st *Store) SwitchOffIfFailing(ctx context.Context, tx pgx.Tx, id int64, cutoff time.Time) (e Endpoint, ok bool, err error) {
	rows, _ := tx.Query(ctx, `UPDATE webhooks SET active = false, disabled_at = now()
		WHERE id = $1 AND active AND failing_since < $2 RETURNING `+endpointColumns, id, cutoff)
	e, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Endpoint])
	if errors.Is(err, pgx.ErrNoRows) {
		return Endpoint{}, false, nil
	}
	if err != nil {
		return Endpoint{}, false, fmt.Errorf("switch off webhook %d: %w", id, err)
	}
	return e, true, nil
}

// Attempts returns the attempts of a delivery, oldest first.
func (st *Store) Attempts(ctx context.Context, deliveryID int64) ([]Attempt, error) {
	rows, _ := st.pool.Query(ctx, `SELECT at, status, error FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id`, deliveryID)
	return postgres.All[Attempt](rows, fmt.Sprintf("attempts of webhook delivery %d", deliveryID))
}

// Attempt is one try to send a delivery.
type Attempt struct {
	At     time.Time `db:"at" json:"at"`
	Status *int      `db:"status" json:"status"`
	Error  string    `db:"error" json:"error,omitempty"`
}

// Sweep deletes deliveries finished before cutoff, with their attempts.
func (st *Store) Sweep(ctx context.Context, cutoff time.Time) (int64, error) {
	tag, err := st.pool.Exec(ctx, `DELETE FROM webhook_deliveries WHERE done_at < $1`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("sweep webhook deliveries: %w", err)
	}
	return tag.RowsAffected(), nil
}
