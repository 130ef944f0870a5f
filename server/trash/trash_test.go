package trash

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "trash", &db)) }

var seq atomic.Int64

type fixture struct {
	space, other, author, editor int64
}

// setup adds a table shaped like an area's (a required and an optional
// reference to accounts, a generated column) for the trash to take rows
// out of, and a space with two people.
func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS notes (
		id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		author_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
		editor_id bigint REFERENCES accounts ON DELETE SET NULL,
		body      text NOT NULL,
		size      int GENERATED ALWAYS AS (length(body)) STORED)`); err != nil {
		t.Fatal(err)
	}
	n := seq.Add(1)
	agency := db.Int(t, `INSERT INTO agencies (slug, name) VALUES ($1, 'Behörde') RETURNING id`, fmt.Sprintf("ag-%d", n))
	space := func(s string) int64 {
		return db.Int(t, `INSERT INTO spaces (slug, name, agency_id, visibility) VALUES ($1, 'Raum', $2, 'organisation') RETURNING id`,
			fmt.Sprintf("%s-%d", s, n), agency)
	}
	person := func(s string) int64 {
		h := fmt.Sprintf("%s-%d", s, n)
		return db.Int(t, `INSERT INTO accounts (agency_id, email, display_name, handle) VALUES ($1, $2, $3, $4) RETURNING id`, agency, h+"@example.org", s, h)
	}
	return fixture{space: space("raum"), other: space("anderer"), author: person("autorin"), editor: person("lektor")}
}

func newTrash(days int) *Trash {
	return New(db.Pool, slog.New(slog.NewTextHandler(io.Discard, nil)), days)
}

// trashNote takes a note's row into the trash as the comment kind.
func trashNote(t *testing.T, tr *Trash, f fixture, note int64, files [][]byte) int64 {
	t.Helper()
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		rows, err := Rows(ctx, tx, "notes", "t.id = $1", note)
		if err != nil {
			return err
		}
		return tr.Put(ctx, tx, Entry{SpaceID: f.space, Kind: Comment, ItemID: note, Label: "Notiz", Place: "/ort",
			By: f.editor, Snapshot: map[string]any{"rows": rows}, Files: files})
	})
	if err != nil {
		t.Fatal(err)
	}
	return db.Int(t, `SELECT id FROM trash WHERE kind = 'comment' AND item_id = $1`, note)
}

func restoreNotes(ctx context.Context, tx pgx.Tx, it Item) (string, error) {
	var snap struct{ Rows json.RawMessage }
	if err := json.Unmarshal(it.Snapshot, &snap); err != nil {
		return "", err
	}
	return fmt.Sprintf("/notiz/%d", it.ItemID), Reinsert(ctx, tx, "notes", snap.Rows, false)
}

func TestPutListRestore(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	tr := newTrash(30)
	tr.Register(Comment, restoreNotes)
	var told []int64
	tr.OnTrashed(func(_ context.Context, _ pgx.Tx, kind string, ids []int64) error {
		told = append(told, ids...)
		return nil
	})
	note := db.Int(t, `INSERT INTO notes (author_id, editor_id, body) VALUES ($1, $2, 'Inhalt') RETURNING id`, f.author, f.editor)
	id := trashNote(t, tr, f, note, nil)
	if n := db.Int(t, `SELECT count(*) FROM notes WHERE id = $1`, note); n != 0 {
		t.Fatal("the note is still in its table")
	}
	if !slices.Equal(told, []int64{note}) {
		t.Errorf("OnTrashed told %v, want the item itself", told)
	}
	it, err := tr.Get(ctx, f.space, id)
	if err != nil || it.Kind != Comment || it.Label != "Notiz" || it.DeletedBy == nil || *it.DeletedBy != "lektor" || it.Snapshot != nil {
		t.Errorf("entry: %+v %v", it, err)
	}
	if _, err := tr.Get(ctx, f.other, id); !errs.Is(err, errs.NotFound) {
		t.Errorf("entry seen from another space: %v", err)
	}
	if _, err := tr.Restore(ctx, f.other, id); !errs.Is(err, errs.NotFound) {
		t.Errorf("restore from another space: %v", err)
	}

	url, err := tr.Restore(ctx, f.space, id)
	if err != nil || url != fmt.Sprintf("/notiz/%d", note) {
		t.Fatalf("restore: %q %v", url, err)
	}
	var body string
	var size int
	if err := db.Pool.QueryRow(ctx, `SELECT body, size FROM notes WHERE id = $1`, note).Scan(&body, &size); err != nil || body != "Inhalt" || size != 6 {
		t.Errorf("restored row: %q %d %v", body, size, err)
	}
	if _, err := tr.Get(ctx, f.space, id); !errs.Is(err, errs.NotFound) {
		t.Errorf("the restored entry stays in the trash: %v", err)
	}
}

// An entry no restorer knows stays in the trash: the restore is one
// transaction.
func TestRestoreWithoutRestorerKeepsTheEntry(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	tr := newTrash(30)
	note := db.Int(t, `INSERT INTO notes (author_id, body) VALUES ($1, 'x') RETURNING id`, f.author)
	id := trashNote(t, tr, f, note, nil)
	if _, err := tr.Restore(ctx, f.space, id); err == nil {
		t.Fatal("restored without a restorer")
	}
	if _, err := tr.Get(ctx, f.space, id); err != nil {
		t.Errorf("the entry is gone after a failed restore: %v", err)
	}
}

func TestListPages(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	tr := newTrash(30)
	var ids []int64
	for i := range 3 {
		note := db.Int(t, `INSERT INTO notes (author_id, body) VALUES ($1, $2) RETURNING id`, f.author, fmt.Sprint(i))
		ids = append(ids, trashNote(t, tr, f, note, nil))
	}
	page, next, err := tr.List(ctx, f.space, 2, 0)
	if err != nil || len(page) != 2 || page[0].ID != ids[2] || page[1].ID != ids[1] || next != ids[1] {
		t.Fatalf("first page: %+v next %d %v", page, next, err)
	}
	page, next, err = tr.List(ctx, f.space, 2, next)
	if err != nil || len(page) != 1 || page[0].ID != ids[0] || next != 0 {
		t.Errorf("second page: %+v next %d %v", page, next, err)
	}
	if page, _, _ := tr.List(ctx, f.other, 10, 0); len(page) != 0 {
		t.Errorf("another space lists %d entries", len(page))
	}
}

func TestPurgeNeedsAReasonAndLogs(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	tr := newTrash(30)
	var purged json.RawMessage
	var gone, released []string
	tr.OnPurged(Comment, func(_ context.Context, _ pgx.Tx, snap json.RawMessage) error { purged = snap; return nil })
	tr.OnGone(func(_ context.Context, _ pgx.Tx, kind string, ids []int64) error {
		gone = append(gone, fmt.Sprint(kind, ids))
		return nil
	})
	tr.OnRelease(func(_ context.Context, files [][]byte) {
		for _, b := range files {
			released = append(released, string(b))
		}
	})
	note := db.Int(t, `INSERT INTO notes (author_id, body) VALUES ($1, 'x') RETURNING id`, f.author)
	id := trashNote(t, tr, f, note, [][]byte{[]byte("datei")})
	for _, reason := range []string{"", "retention", "weil"} {
		err := tr.Purge(ctx, f.space, id, f.editor, reason)
		if e, ok := errs.As(err); !ok || e.Code != errs.Invalid || e.Field != "reason" {
			t.Errorf("reason %q: %v", reason, err)
		}
	}
	if err := tr.Purge(ctx, f.other, id, f.editor, "legal"); !errs.Is(err, errs.NotFound) {
		t.Errorf("purge from another space: %v", err)
	}
	if err := tr.Purge(ctx, f.space, id, f.editor, "personal-data"); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Get(ctx, f.space, id); !errs.Is(err, errs.NotFound) {
		t.Errorf("purged entry: %v", err)
	}
	if len(purged) == 0 || !slices.Equal(gone, []string{fmt.Sprint(Comment, []int64{note})}) || !slices.Equal(released, []string{"datei"}) {
		t.Errorf("hooks: purged %s, gone %v, released %v", purged, gone, released)
	}
	var by int64
	var reason string
	err := db.Pool.QueryRow(ctx, `SELECT purged_by, reason FROM purge_log WHERE space_id = $1 AND kind = 'comment'`, f.space).Scan(&by, &reason)
	if err != nil || by != f.editor || reason != "personal-data" {
		t.Errorf("purge log: %d %q %v", by, reason, err)
	}
}

// Run purges what lies in the trash longer than the configured days, and
// logs it as retention; younger entries stay.
func TestRunExpiresAfterTheConfiguredDays(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	tr := newTrash(10)
	entry := func(age time.Duration) int64 {
		note := db.Int(t, `INSERT INTO notes (author_id, body) VALUES ($1, 'x') RETURNING id`, f.author)
		id := trashNote(t, tr, f, note, nil)
		db.Int(t, `UPDATE trash SET deleted_at = now() - $2::interval WHERE id = $1 RETURNING id`, id, age)
		return id
	}
	young, old := entry(9*24*time.Hour), entry(11*24*time.Hour)
	run, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { tr.Run(run, time.Hour); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := tr.Get(ctx, f.space, old); errs.Is(err, errs.NotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the old entry was not expired")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	<-done
	if _, err := tr.Get(ctx, f.space, young); err != nil {
		t.Errorf("an entry within its days was expired: %v", err)
	}
	if n := db.Int(t, `SELECT count(*) FROM purge_log WHERE space_id = $1 AND reason = 'retention' AND purged_by IS NULL`, f.space); n != 1 {
		t.Errorf("%d retention purges logged, want 1", n)
	}
}
