package trash

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"
)

// inTx runs f in a transaction that commits.
func inTx(t *testing.T, f func(ctx context.Context, tx pgx.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error { return f(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// A reference to an account erased while the row lay in the trash comes
// back empty when it may be empty, and keeps the row away when required.
func TestReinsertEndsReferencesToRowsGoneMeanwhile(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	kept := db.Int(t, `INSERT INTO notes (author_id, editor_id, body) VALUES ($1, $2, 'bleibt') RETURNING id`, f.author, f.editor)
	dropped := db.Int(t, `INSERT INTO notes (author_id, body) VALUES ($1, 'geht') RETURNING id`, f.editor)
	var rows json.RawMessage
	inTx(t, func(ctx context.Context, tx pgx.Tx) (err error) {
		rows, err = Rows(ctx, tx, "notes", "t.id = ANY($1)", []int64{kept, dropped})
		return err
	})
	if n := db.Int(t, `SELECT count(*) FROM notes WHERE id IN ($1, $2)`, kept, dropped); n != 0 {
		t.Fatalf("Rows left %d rows in the table", n)
	}
	db.Int(t, `DELETE FROM accounts WHERE id = $1 RETURNING id`, f.editor)
	inTx(t, func(ctx context.Context, tx pgx.Tx) error { return Reinsert(ctx, tx, "notes", rows, false) })
	var editor *int64
	if err := db.Pool.QueryRow(ctx, `SELECT editor_id FROM notes WHERE id = $1`, kept).Scan(&editor); err != nil || editor != nil {
		t.Errorf("kept note: editor %v, %v", editor, err)
	}
	if n := db.Int(t, `SELECT count(*) FROM notes WHERE id = $1`, dropped); n != 0 {
		t.Error("a note whose required author is gone came back")
	}
	// Again, over the row that is back: a conflict fails unless skipped.
	err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error { return Reinsert(ctx, tx, "notes", rows, false) })
	if err == nil {
		t.Error("reinserting over an existing id did not fail")
	}
	inTx(t, func(ctx context.Context, tx pgx.Tx) error { return Reinsert(ctx, tx, "notes", rows, true) })
	inTx(t, func(ctx context.Context, tx pgx.Tx) error {
		return Reinsert(ctx, tx, "notes", json.RawMessage("null"), false)
	})
}

func TestCopyLeavesTheRows(t *testing.T) {
	f := setup(t)
	note := db.Int(t, `INSERT INTO notes (author_id, body) VALUES ($1, 'kopie') RETURNING id`, f.author)
	var rows json.RawMessage
	inTx(t, func(ctx context.Context, tx pgx.Tx) (err error) {
		rows, err = Copy(ctx, tx, "notes", "t.id = $1", note)
		return err
	})
	var list []struct {
		ID   int64  `json:"id"`
		Body string `json:"body"`
	}
	if err := json.Unmarshal(rows, &list); err != nil || len(list) != 1 || list[0].ID != note || list[0].Body != "kopie" {
		t.Errorf("copy: %s %v", rows, err)
	}
	if n := db.Int(t, `SELECT count(*) FROM notes WHERE id = $1`, note); n != 1 {
		t.Error("Copy removed the row")
	}
}

// References that the deletion emptied are set again after the restore,
// unless they point elsewhere meanwhile.
func TestIncomingAndReconnect(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	if _, err := db.Pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS note_refs (
		id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		note_id bigint REFERENCES notes ON DELETE SET NULL)`); err != nil {
		t.Fatal(err)
	}
	note := db.Int(t, `INSERT INTO notes (author_id, body) VALUES ($1, 'ziel') RETURNING id`, f.author)
	other := db.Int(t, `INSERT INTO notes (author_id, body) VALUES ($1, 'anderes') RETURNING id`, f.author)
	back := db.Int(t, `INSERT INTO note_refs (note_id) VALUES ($1) RETURNING id`, note)
	moved := db.Int(t, `INSERT INTO note_refs (note_id) VALUES ($1) RETURNING id`, note)
	var incoming, rows json.RawMessage
	inTx(t, func(ctx context.Context, tx pgx.Tx) (err error) {
		if incoming, err = Incoming(ctx, tx, "notes", []int64{note}); err != nil {
			return err
		}
		rows, err = Rows(ctx, tx, "notes", "t.id = $1", note)
		return err
	})
	db.Int(t, `UPDATE note_refs SET note_id = $2 WHERE id = $1 RETURNING id`, moved, other)
	inTx(t, func(ctx context.Context, tx pgx.Tx) error {
		if err := Reinsert(ctx, tx, "notes", rows, false); err != nil {
			return err
		}
		return Reconnect(ctx, tx, incoming)
	})
	if got := db.Int(t, `SELECT coalesce(note_id, 0) FROM note_refs WHERE id = $1`, back); got != note {
		t.Errorf("emptied reference after restore: %d, want %d", got, note)
	}
	if got := db.Int(t, `SELECT note_id FROM note_refs WHERE id = $1`, moved); got != other {
		t.Errorf("reference pointed elsewhere meanwhile: %d, want %d", got, other)
	}
}
