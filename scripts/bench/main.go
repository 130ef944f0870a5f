// Command bench measures Fachnetz against the performance targets of
// DESIGN.md section 9 on the data set it describes, side by side with
// references measured in the same run (a static page from net/http,
// Meilisearch asked directly, Meilisearch's own bulk indexing), so that
// the ratios hold on a noisy machine. scripts/bench.sh runs it against
// private services; it writes bench/REPORT.md and bench/report.svg and
// prints the table.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/fachnetz/fachnetz/scripts/bench/dataset"
	"github.com/fachnetz/fachnetz/server/postgres"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "static" {
		serveStatic(os.Args[2])
		return
	}
	var o options
	flag.StringVar(&o.fachnetz, "fachnetz", "", "the fachnetz binary to measure (required)")
	flag.StringVar(&o.work, "work", ".bench", "directory for the server's data and logs")
	flag.StringVar(&o.report, "report", "bench", "directory for REPORT.md and report.svg")
	flag.DurationVar(&o.load, "duration", 10*time.Second, "how long each load runs, after a warm-up")
	flag.DurationVar(&o.mixed, "mixed", 60*time.Second, "how long the mixed read/write load runs")
	flag.IntVar(&o.saves, "saves", 50, "how many saves measure edit to searchable")
	flag.BoolVar(&o.loadsOnly, "loads-only", false, "measure the loads only, on the index of an earlier run (to see the effect of a change quickly)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if o.fachnetz == "" {
		fmt.Fprintln(os.Stderr, "bench: -fachnetz is required")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := benchmark(ctx, o, log); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	fachnetz, work, report string
	load, mixed            time.Duration
	saves                  int
	loadsOnly              bool
}

func benchmark(ctx context.Context, o options, log *slog.Logger) error {
	env := services{db: os.Getenv("FACHNETZ_DATABASE_URL"), meili: os.Getenv("FACHNETZ_MEILI_URL"), key: os.Getenv("FACHNETZ_MEILI_KEY"), index: "fachnetz"}
	if env.db == "" || env.meili == "" {
		return fmt.Errorf("FACHNETZ_DATABASE_URL and FACHNETZ_MEILI_URL must point at the services (scripts/bench.sh sets them)")
	}
	pool, err := postgres.Open(ctx, env.db, 10*time.Second)
	if err != nil {
		return err
	}
	defer pool.Close()
	began := time.Now()
	set, err := dataset.Ensure(ctx, pool, dataset.Full(), log)
	if err != nil {
		return fmt.Errorf("data set: %w", err)
	}
	rep := &report{Machine: machine(), Set: set, Generated: time.Since(began)}

	if !o.loadsOnly {
		log.Info("reindex")
		if rep.Reindex, err = reindex(ctx, o, env); err != nil {
			return err
		}
		log.Info("Meilisearch bulk indexing of the same documents")
		if rep.Bulk, rep.BulkDocs, err = bulkBaseline(ctx, env); err != nil {
			return err
		}
	}

	static, err := startStatic(ctx)
	if err != nil {
		return err
	}
	defer static.stop()
	srv, err := startServer(ctx, o, env)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := measureLoads(ctx, o, rep, set, env, static.base, srv); err != nil {
		return err
	}
	rep.PeakRSS = srv.peakRSS()
	return rep.write(o.report)
}
