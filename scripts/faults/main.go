// Command faults runs fachnetz under load while its services fail:
// PostgreSQL stopped for a while, Meilisearch killed, one of two servers
// behind HAProxy killed. It checks that no acknowledged write is lost,
// that errors stay within the outage and that the search index catches up.
// scripts/faults.sh (make faults) builds the server and runs it in a
// temporary directory.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

type options struct {
	dir, bin, scripts string
	writers, readers  int
	warmup, after     time.Duration
	pgDown, meiliDown time.Duration
	grace             time.Duration
	only              string
	selfCheck         bool
}

// target is where a scenario's requests go.
type target struct {
	base   string
	client *client
}

type runner struct {
	opts     options
	env      *env
	token    string
	space    string
	first    *proc  // the server the first scenarios use, killed in the last
	second   *proc  // the server that stays behind HAProxy
	direct   target // that server
	balanced target // HAProxy in front of both servers
	began    time.Time
}

func main() {
	var o options
	flag.StringVar(&o.dir, "dir", "", "working directory for the services, servers and logs (required; faults.sh makes a temporary one)")
	flag.StringVar(&o.bin, "bin", "", "the fachnetz binary (required)")
	flag.StringVar(&o.scripts, "scripts", "scripts", "directory holding services.sh")
	flag.IntVar(&o.writers, "writers", 6, "concurrent writers")
	flag.IntVar(&o.readers, "readers", 2, "concurrent readers")
	flag.DurationVar(&o.warmup, "warmup", 4*time.Second, "load before each fault")
	flag.DurationVar(&o.after, "after", 10*time.Second, "load after PostgreSQL is back and after a server is killed")
	flag.DurationVar(&o.pgDown, "pg-down", 10*time.Second, "how long PostgreSQL stays stopped")
	flag.DurationVar(&o.meiliDown, "meili-down", 5*time.Second, "how long Meilisearch stays down")
	flag.DurationVar(&o.grace, "grace", 5*time.Second, "time after PostgreSQL is back within which requests must succeed again")
	flag.StringVar(&o.only, "only", "", "run only these scenarios, comma-separated: pg, meili, failover")
	flag.BoolVar(&o.selfCheck, "self-check", false, "add an acknowledgement of a write that was never made, to see the checks fail")
	flag.Parse()
	if o.dir == "" || o.bin == "" {
		fmt.Fprintln(os.Stderr, "faults: -dir and -bin are required")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, o)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, o options) int {
	r := &runner{opts: o, env: &env{dir: o.dir, bin: o.bin, scripts: o.scripts}, began: time.Now()}
	defer r.env.stopAll()
	if err := r.setup(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "faults: setup failed: %v\n", err)
		return 1
	}
	scenarios := []struct {
		key string
		run func(context.Context) result
	}{{"pg", r.pgOutage}, {"meili", r.meiliCrash}, {"failover", r.failover}}
	var results []result
	for _, s := range scenarios {
		if o.only != "" && !strings.Contains(","+o.only+",", ","+s.key+",") {
			continue
		}
		if s.key == "failover" {
			if err := r.setupBalancer(ctx); err != nil {
				results = append(results, result{name: "Server killed behind HAProxy", problems: []string{err.Error()}})
				continue
			}
		}
		r.say("scenario: %s", s.key)
		res := s.run(ctx)
		if ctx.Err() != nil {
			fmt.Fprintln(os.Stderr, "faults: interrupted")
			return 130
		}
		results = append(results, res)
		fmt.Println(res.line)
		for _, n := range res.notes {
			fmt.Println("  failed request:", n)
		}
		for _, p := range res.problems {
			fmt.Println("  FAIL:", p)
		}
	}
	return r.summary(results)
}

// setup starts the services and one server, and makes an agency, an
// account with a token and a space it writes to.
func (r *runner) setup(ctx context.Context) error {
	r.say("starting PostgreSQL and Meilisearch in %s", r.opts.dir)
	if err := r.env.services(ctx, "start"); err != nil {
		return err
	}
	steps := [][]string{
		{"migrate"},
		{"agencies", "add", "stoerung", "--name", "Amt für Störfälle"},
		{"users", "add", "--email", "last@stoerung.example", "--name", "Lena Last", "--agency", "stoerung"},
	}
	for _, args := range steps {
		if _, err := r.env.fachnetz(ctx, args...); err != nil {
			return err
		}
	}
	token, err := r.env.fachnetz(ctx, "users", "token", "last@stoerung.example", "--name", "faults")
	if err != nil {
		return err
	}
	r.token = token
	r.say("starting fachnetz serve")
	if r.first, err = r.env.startServer(ctx, "server-a"); err != nil {
		return err
	}
	r.direct = target{base: "http://" + r.first.addr, client: newClient("http://"+r.first.addr, token)}
	var sp struct {
		Slug string `json:"slug"`
	}
	if _, err := r.direct.client.do(ctx, http.MethodPost, "/spaces", map[string]any{"name": "Störungstest", "slug": "stoerungstest"}, &sp); err != nil {
		return fmt.Errorf("create space: %w", err)
	}
	r.space = sp.Slug
	return nil
}

// setupBalancer starts the second server on the same PostgreSQL,
// Meilisearch and data directory, and HAProxy in front of both.
func (r *runner) setupBalancer(ctx context.Context) error {
	r.say("starting a second fachnetz serve and HAProxy in front of both")
	var err error
	if r.second, err = r.env.startServer(ctx, "server-b"); err != nil {
		return err
	}
	lb, err := r.env.startHAProxy(ctx, []*proc{r.first, r.second})
	if err != nil {
		return err
	}
	r.balanced = target{base: "http://" + lb.addr, client: newClient("http://"+lb.addr, r.token)}
	return nil
}

func (r *runner) summary(results []result) int {
	fmt.Println()
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SCENARIO\tRESULT\tACKNOWLEDGED\tFAILED REQUESTS\tLOST")
	code := 0
	for _, res := range results {
		verdict := "pass"
		if len(res.problems) > 0 {
			verdict, code = "FAIL", 1
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\n", res.name, verdict, num(res.acked), num(res.errors), res.lost)
	}
	w.Flush()
	if len(results) == 0 {
		code = 1
	}
	fmt.Printf("\nmake faults: %s in %.0f s\n", map[int]string{0: "all scenarios passed", 1: "FAILED"}[code], time.Since(r.began).Seconds())
	return code
}

// say reports progress with the time since the start.
func (r *runner) say(format string, args ...any) {
	fmt.Printf("[%5.1fs] %s\n", time.Since(r.began).Seconds(), fmt.Sprintf(format, args...))
}

func (r *runner) sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
