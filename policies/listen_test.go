package policies

import (
	"context"
	"fmt"
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
	notify := func(n int) {
		for i := 0; i < n; i++ {
			if _, err := db.Pool.Exec(ctx, "SELECT pg_notify($1, $2)", channel, fmt.Sprint(i)); err != nil {
				t.Fatal(err)
			}
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
