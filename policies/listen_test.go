package policies

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/server/postgres"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "policies", &db)) }

// A burst of notices is taken in one go, and the connection stays usable
// for the next one.
func TestDrainTakesABurstAndKeepsListening(t *testing.T) {
	ctx := context.Background()
	pooled, err := db.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn := pooled.Hijack()
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		t.Fatal(err)
	}
	// The notices of one statement are delivered together at its commit,
	// as a burst of policy changes is; sent one by one, a loaded machine
	// spaced them wider than drain waits.
	notify := func(n int) {
		if _, err := db.Pool.Exec(ctx, "SELECT pg_notify($1, g::text) FROM generate_series(1, $2::int) g", channel, n); err != nil {
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
