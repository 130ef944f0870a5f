package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// reindexCommand rebuilds the search index from PostgreSQL into a fresh
// index and swaps it in; search keeps answering from the old one until
// then.
func reindexCommand(ctx context.Context, e env, args []string) error {
	cfg, err := loadConfig(newFlags("reindex", e), args, e.getenv)
	if err != nil {
		return err
	}
	cfg.Addr = "127.0.0.1:0" // Open takes a port; reindex serves nothing
	s, err := Open(ctx, cfg, newLogger(e.stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	total, err := s.rebuildIndex(ctx, e)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reindexed %d documents in %s\n", total, time.Since(start).Round(time.Millisecond))
	return nil
}

// rebuildIndex reindexes every document, with a progress bar on a
// terminal, and returns how many there were.
func (s *Server) rebuildIndex(ctx context.Context, e env) (int, error) {
	total, err := s.search.Count(ctx)
	if err != nil {
		return 0, err
	}
	return total, s.search.Reindex(ctx, total, progressBar(e, total))
}

// progressBar draws a bar on a terminal and prints nothing otherwise, so
// that logs of scheduled runs stay clean.
func progressBar(e env, total int) func(done, total int) {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || total == 0 {
		return nil
	}
	last := -1
	return func(done, total int) {
		pct := done * 100 / max(total, 1)
		if pct == last && done < total {
			return
		}
		last = pct
		width := 40
		filled := width * min(done, total) / max(total, 1)
		fmt.Fprintf(f, "\r[%s%s] %3d%% %d/%d", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), pct, done, total)
		if done >= total {
			fmt.Fprintln(f)
		}
	}
}
