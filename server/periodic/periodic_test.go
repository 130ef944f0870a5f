package periodic

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunRepeatsUntilTheContextEndsAndLogsFailures(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	ctx, cancel := context.WithCancel(context.Background())
	var rounds atomic.Int32
	done := make(chan struct{})
	go func() {
		Run(ctx, time.Millisecond, log, "purge things", func(context.Context) error {
			if rounds.Add(1) == 3 {
				cancel()
			}
			return errors.New("database away")
		})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the context ended")
	}
	if n := rounds.Load(); n != 3 {
		t.Errorf("%d rounds, want 3", n)
	}
	// Two failures while running are logged; the one at the end is not.
	if got := strings.Count(buf.String(), "purge things"); got != 2 {
		t.Errorf("%d failures logged, want 2:\n%s", got, buf.String())
	}
}
