package notify

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

var errNotFound = errs.E(errs.NotFound, "error.not_found")

// Notification is one line of a person's list.
type Notification struct {
	ID          int64      `db:"id"`
	Kind        string     `db:"kind"`
	ActorName   *string    `db:"actor_name"`   // nil once the actor's account is gone
	ActorHandle *string    `db:"actor_handle"` // likewise
	SpaceID     int64      `db:"space_id"`
	SubjectType string     `db:"subject_type"`
	SubjectID   int64      `db:"subject_id"`
	Title       string     `db:"title"`
	URL         string     `db:"url"`
	CreatedAt   time.Time  `db:"created_at"`
	ReadAt      *time.Time `db:"read_at"`
}

// Unread reports whether the notification has not been opened.
func (n Notification) Unread() bool { return n.ReadAt == nil }

// FromFachnetz reports whether nobody did what the notification tells of:
// Fachnetz itself says a review is due or a webhook was switched off.
func (n Notification) FromFachnetz() bool {
	return n.Kind == KindReviewDue || n.Kind == KindWebhookOff
}

// KindKey is the catalogue message of the notification's line.
func (n Notification) KindKey() string { return "notify.kind." + n.Kind }

// Store holds the SQL of watches and notifications.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Record inserts an event and the notifications of its recipients and
// returns the event's id.
func (st *Store) Record(ctx context.Context, tx pgx.Tx, ev Event, recipients []int64) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO notification_events (kind, actor_id, space_id, subject_type, subject_id, title, url)
		VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6, $7) RETURNING id`,
		ev.Kind, ev.ActorID, ev.SpaceID, ev.SubjectType, ev.SubjectID, ev.Title, ev.URL).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record event %s: %w", ev.Kind, err)
	}
	if len(recipients) == 0 {
		return id, nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO notifications (event_id, account_id, space_id)
		SELECT $1, r, $2 FROM unnest($3::bigint[]) AS r ON CONFLICT DO NOTHING`, id, ev.SpaceID, recipients)
	if err != nil {
		return 0, fmt.Errorf("record notifications of event %d: %w", id, err)
	}
	return id, nil
}

// DropUnsent deletes an event that no delivery is to send, in the
// transaction that recorded it.
func (st *Store) DropUnsent(ctx context.Context, tx pgx.Tx, eventID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM notification_events e WHERE e.id = $1
		AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = $1 AND d.sent_at IS NULL)`, eventID)
	if err != nil {
		return fmt.Errorf("drop event %d: %w", eventID, err)
	}
	return nil
}

// Watch records a watch; watching twice is watching once.
func (st *Store) Watch(ctx context.Context, q postgres.Querier, accountID int64, kind string, itemID int64) error {
	_, err := q.Exec(ctx, `INSERT INTO watches (account_id, kind, item_id) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, accountID, kind, itemID)
	if err != nil {
		return fmt.Errorf("watch %s %d: %w", kind, itemID, err)
	}
	return nil
}

// Unwatch deletes a watch.
func (st *Store) Unwatch(ctx context.Context, accountID int64, kind string, itemID int64) error {
	_, err := st.pool.Exec(ctx, `DELETE FROM watches WHERE account_id = $1 AND kind = $2 AND item_id = $3`, accountID, kind, itemID)
	if err != nil {
		return fmt.Errorf("unwatch %s %d: %w", kind, itemID, err)
	}
	return nil
}

// IsWatching reports whether a watch exists.
func (st *Store) IsWatching(ctx context.Context, accountID int64, kind string, itemID int64) (bool, error) {
	return postgres.Value[bool](st.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM watches WHERE account_id = $1 AND kind = $2 AND item_id = $3)`,
		accountID, kind, itemID), fmt.Sprintf("is watching %s %d", kind, itemID))
}

// Watchers lists the accounts watching any of the items, each once.
func (st *Store) Watchers(ctx context.Context, q postgres.Querier, kind string, itemIDs []int64) ([]int64, error) {
	if len(itemIDs) == 0 {
		return nil, nil
	}
	rows, _ := q.Query(ctx, `SELECT DISTINCT account_id FROM watches WHERE kind = $1 AND item_id = ANY($2) ORDER BY account_id`, kind, itemIDs)
	return postgres.Values[int64](rows, fmt.Sprintf("watchers of %s", kind))
}

// ResolveHandles returns the ids of active accounts with the handles.
func (st *Store) ResolveHandles(ctx context.Context, q postgres.Querier, handles []string) ([]int64, error) {
	if len(handles) == 0 {
		return nil, nil
	}
	rows, _ := q.Query(ctx, `SELECT id FROM accounts WHERE handle = ANY($1::citext[]) AND disabled_at IS NULL ORDER BY id`, handles)
	return postgres.Values[int64](rows, "resolve handles")
}

// MoveSubject puts an item's events and notifications into another space.
func (st *Store) MoveSubject(ctx context.Context, tx pgx.Tx, subjectType string, subjectID, spaceID int64) error {
	_, err := tx.Exec(ctx, `UPDATE notifications n SET space_id = $3 FROM notification_events e
		WHERE e.id = n.event_id AND e.subject_type = $1 AND e.subject_id = $2`, subjectType, subjectID, spaceID)
	if err == nil {
		_, err = tx.Exec(ctx, `UPDATE notification_events SET space_id = $3 WHERE subject_type = $1 AND subject_id = $2`,
			subjectType, subjectID, spaceID)
	}
	if err != nil {
		return fmt.Errorf("move notifications of %s %d: %w", subjectType, subjectID, err)
	}
	return nil
}

// ForgetSubjects deletes the events (and with them the notifications) about
// items; watches stay, so that they work again if the items come back.
func (st *Store) ForgetSubjects(ctx context.Context, tx pgx.Tx, subjectType string, ids []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM notification_events WHERE subject_type = $1 AND subject_id = ANY($2)`, subjectType, ids); err != nil {
		return fmt.Errorf("forget notifications of %s: %w", subjectType, err)
	}
	return nil
}

// DeleteWatches deletes the watches of items of a kind.
func (st *Store) DeleteWatches(ctx context.Context, tx pgx.Tx, kind string, ids []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM watches WHERE kind = $1 AND item_id = ANY($2)`, kind, ids); err != nil {
		return fmt.Errorf("delete watches of %s: %w", kind, err)
	}
	return nil
}

// DeleteSubject deletes an item's events (and with them its notifications)
// and the watches of it.
func (st *Store) DeleteSubject(ctx context.Context, tx pgx.Tx, subjectType string, subjectID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM notification_events WHERE subject_type = $1 AND subject_id = $2`, subjectType, subjectID)
	if err == nil {
		_, err = tx.Exec(ctx, `DELETE FROM watches WHERE kind = $1 AND item_id = $2`, subjectType, subjectID)
	}
	if err != nil {
		return fmt.Errorf("delete notifications of %s %d: %w", subjectType, subjectID, err)
	}
	return nil
}

// NotificationSpaces lists the spaces the account has notifications in.
func (st *Store) NotificationSpaces(ctx context.Context, accountID int64) ([]int64, error) {
	rows, _ := st.pool.Query(ctx, `SELECT DISTINCT space_id FROM notifications WHERE account_id = $1`, accountID)
	return postgres.Values[int64](rows, "notification spaces")
}

// UnreadBySpace counts the account's unread notifications per space.
func (st *Store) UnreadBySpace(ctx context.Context, accountID int64) (map[int64]int, error) {
	rows, _ := st.pool.Query(ctx, `SELECT space_id, count(*) FROM notifications
		WHERE account_id = $1 AND read_at IS NULL GROUP BY space_id`, accountID)
	return postgres.Map[int64, int](rows, "count unread")
}

const notificationSelect = `SELECT n.id, e.kind, a.display_name AS actor_name, a.handle::text AS actor_handle,
	n.space_id, e.subject_type, e.subject_id, e.title, e.url, n.created_at, n.read_at
	FROM notifications n
	JOIN notification_events e ON e.id = n.event_id
	LEFT JOIN accounts a ON a.id = e.actor_id
	WHERE n.account_id = $1`

// Notifications returns up to limit of the account's notifications in the
// spaces, newest first, below the cursor when it is not 0.
func (st *Store) Notifications(ctx context.Context, accountID int64, spaces []int64, unreadOnly bool, limit int, cursor int64) ([]Notification, error) {
	sql := notificationSelect + ` AND n.space_id = ANY($2)`
	args := []any{accountID, spaces}
	if unreadOnly {
		sql += ` AND n.read_at IS NULL`
	}
	if cursor > 0 {
		args = append(args, cursor)
		sql += ` AND n.id < $` + strconv.Itoa(len(args))
	}
	args = append(args, limit)
	sql += ` ORDER BY n.id DESC LIMIT $` + strconv.Itoa(len(args))
	rows, _ := st.pool.Query(ctx, sql, args...)
	return postgres.All[Notification](rows, "list notifications")
}

// Notification loads one of the account's notifications.
func (st *Store) Notification(ctx context.Context, accountID, id int64) (Notification, error) {
	rows, _ := st.pool.Query(ctx, notificationSelect+` AND n.id = $2`, accountID, id)
	return postgres.One[Notification](rows, fmt.Sprintf("load notification %d", id))
}

// MarkRead marks a notification read and returns when it was.
func (st *Store) MarkRead(ctx context.Context, accountID, id int64) (*time.Time, error) {
	var at time.Time
	err := st.pool.QueryRow(ctx, `UPDATE notifications SET read_at = coalesce(read_at, now())
		WHERE id = $1 AND account_id = $2 RETURNING read_at`, id, accountID).Scan(&at)
	if err != nil {
		return nil, postgres.Found(err, fmt.Sprintf("mark notification %d read", id))
	}
	return &at, nil
}

// MarkAllRead marks every unread notification of the account read.
func (st *Store) MarkAllRead(ctx context.Context, accountID int64) error {
	_, err := st.pool.Exec(ctx, `UPDATE notifications SET read_at = now() WHERE account_id = $1 AND read_at IS NULL`, accountID)
	if err != nil {
		return fmt.Errorf("mark all read: %w", err)
	}
	return nil
}

// Sweep deletes read notifications created before readBefore, all created
// before allBefore, then every event that no notification or delivery
// refers to any more and all events created before allBefore.
func (st *Store) Sweep(ctx context.Context, readBefore, allBefore time.Time) (int64, error) {
	var deleted int64
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM notifications
			WHERE created_at < $2 OR (created_at < $1 AND read_at IS NOT NULL)`, readBefore, allBefore)
		if err != nil {
			return err
		}
		deleted = tag.RowsAffected()
		_, err = tx.Exec(ctx, `DELETE FROM notification_events e WHERE e.created_at < $1
			OR (NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event_id = e.id)
			    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id))`, allBefore)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sweep notifications: %w", err)
	}
	return deleted, nil
}
