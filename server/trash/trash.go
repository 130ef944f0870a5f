// Package trash keeps deleted items of a space for a while so that
// moderators can restore them, then purges them for good. The areas take
// an item's rows out of their tables into a trash entry (Put, Rows) and
// register how to put them back (Register); this package knows no area.
package trash

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/periodic"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// Kinds of items in the trash.
const (
	Page       = "page"
	Attachment = "attachment"
	Question   = "question"
	Answer     = "answer"
	Comment    = "comment"
)

// purgeLogYears is how long the purge log is kept: long enough to answer
// for a deletion, no longer (see the privacy page).
const purgeLogYears = 3

// Reasons a moderator gives for purging at once.
var Reasons = []string{"personal-data", "legal", "other"}

// Entry is what an area puts into the trash.
type Entry struct {
	SpaceID  int64
	Kind     string
	ItemID   int64
	Label    string
	Place    string
	By       int64
	Snapshot any
	Files    [][]byte
	// Subjects are the ids of every item of the kind the entry holds (a
	// page with its subpages), for those told by OnTrashed.
	Subjects []int64
}

// Item is an entry as the trash list shows it.
type Item struct {
	ID        int64           `db:"id" json:"id"`
	SpaceID   int64           `db:"space_id" json:"-"`
	Kind      string          `db:"kind" json:"kind"`
	ItemID    int64           `db:"item_id" json:"item_id"`
	Label     string          `db:"label" json:"label"`
	Place     string          `db:"place" json:"place"`
	DeletedBy *string         `db:"deleted_by" json:"deleted_by"`
	DeletedAt time.Time       `db:"deleted_at" json:"deleted_at"`
	Snapshot  json.RawMessage `db:"snapshot" json:"-"`
}

// RestoreFunc puts an item's rows back in the transaction and returns the
// address of the restored item.
type RestoreFunc func(ctx context.Context, tx pgx.Tx, it Item) (string, error)

// Unpack reads an item's snapshot into snap and returns the one row that
// part picks from it: the row of the thing being restored, which says
// where it goes back to. what names the kind for the error.
func Unpack[R any](it Item, snap any, part func() json.RawMessage, what string) (R, error) {
	var rows []R
	if err := json.Unmarshal(it.Snapshot, snap); err != nil {
		return *new(R), fmt.Errorf("read trashed %s: %w", what, err)
	}
	if err := json.Unmarshal(part(), &rows); err != nil || len(rows) != 1 {
		return *new(R), fmt.Errorf("read trashed %s: %d rows, %v", what, len(rows), err)
	}
	return rows[0], nil
}

// Part is the rows of one table in a snapshot; SkipConflicts as in
// Reinsert.
type Part struct {
	Table         string
	Rows          json.RawMessage
	SkipConflicts bool
}

// ReinsertAll puts the parts back in their order, the rows others refer
// to first.
func ReinsertAll(ctx context.Context, tx pgx.Tx, parts ...Part) error {
	for _, p := range parts {
		if err := Reinsert(ctx, tx, p.Table, p.Rows, p.SkipConflicts); err != nil {
			return err
		}
	}
	return nil
}

// Trash is the trash of every space.
type Trash struct {
	pool     *pgxpool.Pool
	log      *slog.Logger
	days     int
	restore  map[string]RestoreFunc
	purged   map[string]PurgedFunc
	released []func(ctx context.Context, files [][]byte)
	trashed  []TrashedFunc
	gone     []TrashedFunc
}

// TrashedFunc is told, in the transaction that trashes them, of the items
// of a kind going into the trash.
type TrashedFunc func(ctx context.Context, tx pgx.Tx, kind string, ids []int64) error

// New keeps trashed items for days days.
func New(pool *pgxpool.Pool, log *slog.Logger, days int) *Trash {
	return &Trash{pool: pool, log: log, days: days, restore: map[string]RestoreFunc{}, purged: map[string]PurgedFunc{}}
}

// Days is how long items stay in the trash.
func (t *Trash) Days() int { return t.days }

// Register names how items of a kind are restored.
func (t *Trash) Register(kind string, f RestoreFunc) { t.restore[kind] = f }

// PurgedFunc lets go, in the purge's transaction, of what still refers to
// an item gone for good (links to a purged page fall back to its title).
type PurgedFunc func(ctx context.Context, tx pgx.Tx, snapshot json.RawMessage) error

// OnPurged names what happens when items of a kind are purged.
func (t *Trash) OnPurged(kind string, f PurgedFunc) { t.purged[kind] = f }

// forget runs the purge hook of an entry's kind and tells those
// registered with OnGone of its subjects.
func (t *Trash) forget(ctx context.Context, tx pgx.Tx, kind string, itemID int64, snapshot json.RawMessage) error {
	if f := t.purged[kind]; f != nil {
		if err := f(ctx, tx, snapshot); err != nil {
			return err
		}
	}
	var subjects struct {
		IDs []int64 `json:"subjects"`
	}
	if err := json.Unmarshal(snapshot, &subjects); err != nil || len(subjects.IDs) == 0 {
		subjects.IDs = []int64{itemID}
	}
	for _, f := range t.gone {
		if err := f(ctx, tx, kind, subjects.IDs); err != nil {
			return err
		}
	}
	return nil
}

// OnRelease is told, after a purge committed, of the attachment contents
// purged entries referred to; it removes those nothing uses any more.
func (t *Trash) OnRelease(f func(ctx context.Context, files [][]byte)) {
	t.released = append(t.released, f)
}

// OnTrashed registers f: notifications, for one, forget what they said
// about items that are gone.
func (t *Trash) OnTrashed(f TrashedFunc) { t.trashed = append(t.trashed, f) }

// OnGone registers f, told in the purge's transaction of the items of a
// kind gone for good (the subjects OnTrashed was told of): what was kept
// for a restore, such as watches, goes now.
func (t *Trash) OnGone(f TrashedFunc) { t.gone = append(t.gone, f) }

// Put records an entry in the transaction that took its rows.
func (t *Trash) Put(ctx context.Context, tx pgx.Tx, e Entry) error {
	if len(e.Subjects) == 0 {
		e.Subjects = []int64{e.ItemID}
	}
	for _, f := range t.trashed {
		if err := f(ctx, tx, e.Kind, e.Subjects); err != nil {
			return err
		}
	}
	snap, err := json.Marshal(e.Snapshot)
	if err != nil {
		return fmt.Errorf("trash snapshot: %w", err)
	}
	if e.Files == nil {
		e.Files = [][]byte{}
	}
	// The subjects travel in the snapshot, for those told at the purge.
	_, err = tx.Exec(ctx, `INSERT INTO trash (space_id, kind, item_id, label, place, deleted_by, snapshot, files)
		VALUES ($1, $2, $3, left($4, 200), left($5, 200), NULLIF($6, 0), $7::jsonb || jsonb_build_object('subjects', $9::bigint[]), $8)`,
		e.SpaceID, e.Kind, e.ItemID, e.Label, e.Place, e.By, snap, e.Files, e.Subjects)
	if err != nil {
		return fmt.Errorf("put into trash: %w", err)
	}
	return nil
}

const itemColumns = `t.id, t.space_id, t.kind, t.item_id, t.label, t.place, a.display_name AS deleted_by, t.deleted_at, t.snapshot
	FROM trash t LEFT JOIN accounts a ON a.id = t.deleted_by`

// List is a page of a space's trash, newest first: up to limit entries
// older than the entry cursor (0: from the newest). next is the cursor of
// the following page, 0 when there is none.
func (t *Trash) List(ctx context.Context, spaceID int64, limit int, cursor int64) (list []Item, next int64, err error) {
	rows, _ := t.pool.Query(ctx, `SELECT `+itemColumns+` WHERE t.space_id = $1 AND ($2 = 0 OR t.id < $2)
		ORDER BY t.id DESC LIMIT $3`, spaceID, cursor, limit+1)
	list, err = pgx.CollectRows(rows, pgx.RowToStructByName[Item])
	if err != nil {
		return nil, 0, fmt.Errorf("list trash: %w", err)
	}
	if len(list) > limit {
		list = list[:limit]
		next = list[limit-1].ID
	}
	for i := range list {
		list[i].Snapshot = nil
	}
	return list, next, nil
}

// Get is one entry of a space's trash, without its snapshot.
func (t *Trash) Get(ctx context.Context, spaceID, id int64) (Item, error) {
	rows, _ := t.pool.Query(ctx, `SELECT `+itemColumns+` WHERE t.space_id = $1 AND t.id = $2`, spaceID, id)
	it, err := postgres.One[Item](rows, "trash entry")
	if err != nil {
		return it, err
	}
	it.Snapshot = nil
	return it, nil
}

// take removes an entry of the space from the trash in tx.
func take(ctx context.Context, tx pgx.Tx, spaceID, id int64) (Item, error) {
	rows, _ := tx.Query(ctx, `WITH gone AS (DELETE FROM trash WHERE id = $1 AND space_id = $2 RETURNING *)
		SELECT t.id, t.space_id, t.kind, t.item_id, t.label, t.place, a.display_name AS deleted_by, t.deleted_at, t.snapshot
		FROM gone t LEFT JOIN accounts a ON a.id = t.deleted_by`, id, spaceID)
	return postgres.One[Item](rows, "take from trash")
}

// Restore puts an entry of the space back and returns where it lives.
func (t *Trash) Restore(ctx context.Context, spaceID, id int64) (string, error) {
	var url string
	err := postgres.WithTx(ctx, t.pool, func(tx pgx.Tx) error {
		it, err := take(ctx, tx, spaceID, id)
		if err != nil {
			return err
		}
		f, ok := t.restore[it.Kind]
		if !ok {
			return fmt.Errorf("restore %s: no restorer", it.Kind)
		}
		url, err = f(ctx, tx, it)
		return err
	})
	return url, err
}

// Purge removes an entry of the space for good at once and logs it.
func (t *Trash) Purge(ctx context.Context, spaceID, id, by int64, reason string) error {
	if !validReason(reason) {
		return errs.E(errs.Invalid, "trash.reason_missing").OnField("reason")
	}
	var files [][]byte
	err := postgres.WithTx(ctx, t.pool, func(tx pgx.Tx) error {
		var kind string
		var itemID int64
		var snapshot json.RawMessage
		err := tx.QueryRow(ctx, `DELETE FROM trash WHERE id = $1 AND space_id = $2 RETURNING kind, item_id, files, snapshot`, id, spaceID).
			Scan(&kind, &itemID, &files, &snapshot)
		if err != nil {
			return postgres.Found(err, "purge")
		}
		if err := t.forget(ctx, tx, kind, itemID, snapshot); err != nil {
			return err
		}
		return Log(ctx, tx, by, kind, spaceID, reason)
	})
	if err != nil {
		return err
	}
	t.release(ctx, files)
	return nil
}

// Expire purges every entry deleted before cutoff. Several servers may run
// it at once: each row is deleted by exactly one of them, and releasing
// files checks again what still uses them.
func (t *Trash) Expire(ctx context.Context, cutoff time.Time) (int, error) {
	var files [][]byte
	n := 0
	err := postgres.WithTx(ctx, t.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `DELETE FROM trash WHERE id IN (
				SELECT id FROM trash WHERE deleted_at < $1 ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED)
			RETURNING kind, item_id, space_id, files, snapshot`, cutoff)
		type gone struct {
			Kind     string
			ItemID   int64
			SpaceID  int64
			Files    [][]byte
			Snapshot json.RawMessage
		}
		list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[gone])
		if err != nil {
			return fmt.Errorf("expire trash: %w", err)
		}
		for _, g := range list {
			if err := t.forget(ctx, tx, g.Kind, g.ItemID, g.Snapshot); err != nil {
				return err
			}
			if err := Log(ctx, tx, 0, g.Kind, g.SpaceID, "retention"); err != nil {
				return err
			}
			files = append(files, g.Files...)
		}
		n = len(list)
		if _, err := tx.Exec(ctx, `DELETE FROM purge_log WHERE purged_at < now() - make_interval(years => $1)`, purgeLogYears); err != nil {
			return fmt.Errorf("expire purge log: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	t.release(ctx, files)
	return n, nil
}

// Run purges expired entries every interval until ctx ends.
func (t *Trash) Run(ctx context.Context, interval time.Duration) {
	periodic.Run(ctx, interval, t.log, "expire trash", func(ctx context.Context) error {
		for {
			n, err := t.Expire(ctx, time.Now().AddDate(0, 0, -t.days))
			if err != nil || n < 1000 {
				return err
			}
		}
	})
}

// Log records a purge in tx: who, what kind, which space, why; never what.
func Log(ctx context.Context, tx pgx.Tx, by int64, kind string, spaceID int64, reason string) error {
	if !validReason(reason) && reason != "retention" {
		return errs.E(errs.Invalid, "trash.reason_missing").OnField("reason")
	}
	_, err := tx.Exec(ctx, `INSERT INTO purge_log (purged_by, kind, space_id, reason) VALUES (NULLIF($1, 0), $2, $3, $4)`,
		by, kind, spaceID, reason)
	if err != nil {
		return fmt.Errorf("log purge: %w", err)
	}
	return nil
}

func validReason(r string) bool {
	for _, v := range Reasons {
		if v == r {
			return true
		}
	}
	return false
}

func (t *Trash) release(ctx context.Context, files [][]byte) {
	if len(files) == 0 {
		return
	}
	for _, f := range t.released {
		f(ctx, files)
	}
}
