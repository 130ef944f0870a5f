package formreturn

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/server/postgres"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "formreturn", &db)) }

func newReturns() *Returns {
	return New(NewStore(db.Pool), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func ownerOf(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// A kept page is handed out once, to its owner, at its address.
func TestPageIsReadOnceByItsOwnerAtItsAddress(t *testing.T) {
	ctx := context.Background()
	r := newReturns()
	mine, theirs := ownerOf(t.Name()+"mine"), ownerOf(t.Name()+"theirs")
	id, err := r.Keep(ctx, mine, "/fragen/neu", []byte("<p>Mein Titel</p>"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := r.Take(ctx, id, theirs, "/fragen/neu"); ok || err != nil {
		t.Fatalf("another session read the page: %v, %v", ok, err)
	}
	if _, ok, _ := r.Take(ctx, id, mine, "/bereiche/neu"); ok {
		t.Fatal("the page was shown at another address")
	}
	page, ok, err := r.Take(ctx, id, mine, "/fragen/neu")
	if err != nil || !ok || !bytes.Equal(page, []byte("<p>Mein Titel</p>")) {
		t.Fatalf("owner reads %q, %v, %v", page, ok, err)
	}
	if _, ok, _ := r.Take(ctx, id, mine, "/fragen/neu"); ok {
		t.Fatal("the page was read twice")
	}
}

// A page older than MaxAge is never shown and the purge deletes it; a
// younger one stays.
func TestExpiredPagesAreNotShownAndPurged(t *testing.T) {
	ctx := context.Background()
	r := newReturns()
	owner := ownerOf(t.Name())
	old, err := r.Keep(ctx, owner, "/alt", []byte("alt"))
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := r.Keep(ctx, owner, "/neu", []byte("neu"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `UPDATE form_returns SET created_at = now() - interval '31 minutes' WHERE id = $1`, old); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := r.Take(ctx, old, owner, "/alt"); ok {
		t.Fatal("a page of 31 minutes ago was shown")
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO form_returns (id, owner_hash, target, page, created_at) VALUES ('abgelaufen', $1, '/x', 'x', now() - interval '31 minutes')`, owner); err != nil {
		t.Fatal(err)
	}
	if n, err := r.store.Purge(ctx, MaxAge); err != nil || n != 1 {
		t.Fatalf("purge deleted %d rows: %v", n, err)
	}
	if _, ok, _ := r.Take(ctx, fresh, owner, "/neu"); !ok {
		t.Fatal("the purge took a fresh page")
	}
}

// The store is bounded: a page larger than MaxBytes is refused, one
// address keeps one page per owner, and an owner keeps at most PerOwner.
func TestStoreIsBounded(t *testing.T) {
	ctx := context.Background()
	r := newReturns()
	owner := ownerOf(t.Name())
	if _, err := r.Keep(ctx, owner, "/gross", make([]byte, MaxBytes+1)); err == nil {
		t.Fatal("a page over the limit was kept")
	}
	first, _ := r.Keep(ctx, owner, "/eins", []byte("1"))
	second, _ := r.Keep(ctx, owner, "/eins", []byte("2"))
	if _, ok, _ := r.Take(ctx, first, owner, "/eins"); ok {
		t.Error("a replaced page was still shown")
	}
	if p, ok, _ := r.Take(ctx, second, owner, "/eins"); !ok || string(p) != "2" {
		t.Errorf("the newer page: %q, %v", p, ok)
	}
	for i := range PerOwner + 5 {
		if _, err := r.Keep(ctx, owner, "/seite/"+string(rune('a'+i)), []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM form_returns WHERE owner_hash = $1`, owner).Scan(&n)
	if n != PerOwner {
		t.Errorf("an owner keeps %d pages, want %d", n, PerOwner)
	}
}

// Run purges at once and then every interval until it is stopped.
func TestRunPurgesUntilStopped(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	owner := ownerOf(t.Name())
	if _, err := db.Pool.Exec(ctx, `INSERT INTO form_returns (id, owner_hash, target, page, created_at) VALUES ('lauf', $1, '/x', 'x', now() - interval '1 hour')`, owner); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { newReturns().Run(ctx, time.Hour); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var n int
		db.Pool.QueryRow(ctx, `SELECT count(*) FROM form_returns WHERE id = 'lauf'`).Scan(&n)
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not purge")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
}
