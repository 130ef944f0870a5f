package postgres

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// A burst of notices is taken in one go, and the connection stays usable
// for the next one.
func TestDrainTakesABurstAndKeepsListening(t *testing.T) {
	db := emptyDatabase(t)
	ctx := context.Background()
	pooled, err := db.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn := pooled.Hijack()
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "LISTEN burst"); err != nil {
		t.Fatal(err)
	}
	// The notices of one statement are delivered together at its commit,
	// as a burst of changes is; sent one by one, a loaded machine spaced
	// them wider than drain waits.
	notify := func(n int) {
		if _, err := db.Pool.Exec(ctx, "SELECT pg_notify('burst', g::text) FROM generate_series(1, $1::int) g", n); err != nil {
			t.Fatal(err)
		}
	}
	notify(50)
	if _, err := conn.WaitForNotification(ctx); err != nil {
		t.Fatal(err)
	}
	if err := drain(ctx, conn); err != nil {
		t.Fatalf("drain: %v", err)
	}
	quiet, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if n, err := conn.WaitForNotification(quiet); err == nil {
		t.Fatalf("notice %q left after draining", n.Payload)
	}
	notify(1)
	wait, cancelWait := context.WithTimeout(ctx, 30*time.Second)
	defer cancelWait()
	if _, err := conn.WaitForNotification(wait); err != nil {
		t.Fatalf("the connection no longer listens after draining: %v", err)
	}
}

// Listen calls heard once it listens, then after each burst, and
// reconnects when its connection is killed.
func TestListenHearsBurstsAndReconnects(t *testing.T) {
	db := emptyDatabase(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	done := make(chan struct{})
	go func() {
		Listen(ctx, db.Pool, "Änderungen", quiet, "test listener", func(context.Context) error {
			calls.Add(1)
			return nil
		})
		close(done)
	}()
	waitCalls := func(n int32) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for calls.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("heard %d times, want %d", calls.Load(), n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitCalls(1)
	if _, err := db.Pool.Exec(ctx, `SELECT pg_notify('Änderungen', g::text) FROM generate_series(1, 20) g`); err != nil {
		t.Fatal(err)
	}
	waitCalls(2)
	if _, err := db.Pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()`); err != nil {
		t.Fatal(err)
	}
	waitCalls(3) // reconnected, and caught up once
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Listen did not return after its context ended")
	}
}
