package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// result is the outcome of one scenario.
type result struct {
	name     string
	acked    int
	errors   int
	lost     int
	line     string   // what happened, one sentence
	notes    []string // one failed request of each status, for the reader
	problems []string // why it failed; empty when it passed
}

// scenario runs load against base while fault does its damage; fault
// returns after the load has run long enough after the fault.
func (r *runner) scenario(ctx context.Context, prefix, base string, fault func() error) ([]op, []ack, error) {
	l := &load{c: newClient(base, r.token), space: r.space, prefix: prefix, writers: r.opts.writers, readers: r.opts.readers}
	lctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { l.run(lctx); close(done) }()
	err := fault()
	stop()
	<-done
	ops, acks := l.rec.snapshot()
	if r.opts.selfCheck {
		// A write that was never made, acknowledged: the checks must miss it.
		acks = append(acks, ack{kind: "page", slug: prefix + "-nie-geschrieben", revision: 1, id: 1 << 40})
	}
	return ops, acks, err
}

// pgOutage stops PostgreSQL under load and starts it again.
func (r *runner) pgOutage(ctx context.Context) result {
	res := result{name: "PostgreSQL stopped"}
	out := outage{
		service:  "PostgreSQL",
		stopping: fmt.Sprintf("stopping PostgreSQL for %s", r.opts.pgDown),
		stop:     func() error { return r.env.services(ctx, "stop-pg") },
		down:     r.opts.pgDown,
		after:    r.opts.after,
	}
	ops, acks, err := r.scenario(ctx, "pg", r.direct.base, func() error { return r.interrupt(ctx, &out) })
	tStop, tStart, tUp := out.stopped, out.started, out.up
	s, ok := r.outcome(&res, ops, acks, err, r.first)
	if !ok {
		return res
	}
	var during, outside []op
	for _, o := range s.errors {
		// In flight when PostgreSQL went away, or sent before it was
		// back and the grace had passed.
		if !o.end.Before(tStop) && o.start.Before(tUp.Add(r.opts.grace)) {
			during = append(during, o)
		} else {
			outside = append(outside, o)
		}
	}
	if len(outside) > 0 {
		res.problems = append(res.problems, fmt.Sprintf("%d requests failed outside the outage (+%s): %s", len(outside), r.opts.grace, describe(outside)))
	}
	// While the database is away the answer must say "try again" (503),
	// never that the request itself was wrong or refused for good.
	var misnamed []op
	for _, o := range during {
		if o.status != 0 && o.status != http.StatusServiceUnavailable {
			misnamed = append(misnamed, o)
		}
	}
	if len(misnamed) > 0 {
		res.problems = append(res.problems, fmt.Sprintf("%d requests during the outage answered other than 503: %s", len(misnamed), describe(misnamed)))
	}
	recovered := firstWriteAfter(ops, tUp)
	back := "never"
	if recovered.IsZero() {
		res.problems = append(res.problems, "no write succeeded after PostgreSQL was back")
	} else {
		back = fmt.Sprintf("%.1f s", recovered.Sub(tUp).Seconds())
		if recovered.Sub(tUp) > r.opts.grace {
			res.problems = append(res.problems, "the server answered again only "+back+" after the restart")
		}
	}
	r.checkLost(ctx, &res, r.direct.client, acks)
	res.line = fmt.Sprintf("PostgreSQL stopped %.1f s during load: %s writes acknowledged, %s requests refused while it was down (%s; slowest %.1f s), %d lost; server answered again %s after the restart (which took %.1f s)",
		tUp.Sub(tStop).Seconds(), num(s.acked), num(len(during)), statuses(during), slowest(during).Seconds(), res.lost, back, tUp.Sub(tStart).Seconds())
	return res
}

// meiliCrash kills Meilisearch under write load and starts it again.
func (r *runner) meiliCrash(ctx context.Context) result {
	res := result{name: "Meilisearch killed"}
	out := outage{
		service:  "Meilisearch",
		stopping: "killing Meilisearch (SIGKILL)",
		stop:     r.env.killMeili,
		down:     r.opts.meiliDown,
		after:    r.opts.warmup,
	}
	ops, acks, err := r.scenario(ctx, "meili", r.direct.base, func() error { return r.interrupt(ctx, &out) })
	tKill, tUp := out.stopped, out.up
	s, ok := r.outcome(&res, ops, acks, err, r.first)
	if !ok {
		return res
	}
	if len(s.errors) > 0 {
		res.problems = append(res.problems, fmt.Sprintf("%d requests failed; every one should succeed without Meilisearch: %s", len(s.errors), describe(s.errors)))
	}
	index := r.checkIndex(ctx, &res, acks)
	r.checkLost(ctx, &res, r.direct.client, acks)
	res.line = fmt.Sprintf("Meilisearch killed for %.1f s during writes: %s writes acknowledged (%s while it was down), %d requests failed, %d lost; %s",
		tUp.Sub(tKill).Seconds(), num(s.acked), num(countWrites(ops, tKill, tUp)), len(s.errors), res.lost, index)
	return res
}

// failover kills one of two servers behind HAProxy under load.
func (r *runner) failover(ctx context.Context) result {
	res := result{name: "Server killed behind HAProxy"}
	var tKill time.Time
	ops, acks, err := r.scenario(ctx, "lb", r.balanced.base, func() error {
		r.sleep(ctx, r.opts.warmup)
		r.say("killing server %s (SIGKILL)", r.first.name)
		tKill = time.Now()
		r.first.kill()
		r.sleep(ctx, r.opts.after)
		return nil
	})
	s, ok := r.outcome(&res, ops, acks, err, r.second)
	if !ok {
		return res
	}
	inFlight := 0
	for _, o := range ops {
		if o.start.Before(tKill) && !o.end.Before(tKill) {
			inFlight++
		}
	}
	var late []op
	for _, o := range s.errors {
		// A request sent just before the kill may still be on its way.
		if !o.start.Before(tKill.Add(100 * time.Millisecond)) {
			late = append(late, o)
		}
	}
	if len(late) > 0 {
		res.problems = append(res.problems, fmt.Sprintf("%d requests sent after the kill failed: %s", len(late), describe(late)))
	}
	if len(s.errors) > inFlight {
		res.problems = append(res.problems, fmt.Sprintf("%d requests failed, more than the %d in flight at the kill", len(s.errors), inFlight))
	}
	if firstWriteAfter(ops, tKill.Add(time.Second)).IsZero() {
		res.problems = append(res.problems, "no write succeeded after the kill")
	}
	index := r.checkIndex(ctx, &res, acks)
	r.checkLost(ctx, &res, r.balanced.client, acks)
	res.line = fmt.Sprintf("one of two servers killed behind HAProxy: %s writes acknowledged, %d requests failed of %d in flight at the kill (%s), %d lost; %s",
		num(s.acked), len(s.errors), inFlight, statuses(s.errors), res.lost, index)
	return res
}

// outage is the fault of the PostgreSQL and Meilisearch scenarios: a service
// taken away under load and started again; interrupt fills in the times.
type outage struct {
	service  string
	stopping string // what the runner says as it takes the service away
	stop     func() error
	down     time.Duration // from taking it away to starting it again
	after    time.Duration // load after the service is back

	stopped, started, up time.Time
}

// interrupt waits for the warm-up, takes the service away, starts the
// services again after out.down and lets the load run on for out.after.
func (r *runner) interrupt(ctx context.Context, out *outage) error {
	r.sleep(ctx, r.opts.warmup)
	r.say("%s", out.stopping)
	out.stopped = time.Now()
	if err := out.stop(); err != nil {
		return err
	}
	r.sleep(ctx, time.Until(out.stopped.Add(out.down)))
	r.say("starting %s again", out.service)
	out.started = time.Now()
	if err := r.env.services(ctx, "start"); err != nil {
		return err
	}
	out.up = time.Now()
	r.sleep(ctx, out.after)
	return nil
}

// checkIndex compares the search index with PostgreSQL once the outbox has
// drained; the summary goes into the scenario's line.
func (r *runner) checkIndex(ctx context.Context, res *result, acks []ack) string {
	r.say("waiting for the search outbox to drain, then comparing the index with PostgreSQL")
	index, problems := r.env.indexCheck(ctx, acks)
	res.problems = append(res.problems, problems...)
	return index
}

// checkLost counts the acknowledged writes the server no longer has.
func (r *runner) checkLost(ctx context.Context, res *result, c *client, acks []ack) {
	missing := lost(ctx, c, r.space, acks)
	res.lost = len(missing)
	res.problems = append(res.problems, limit(missing)...)
}

// tallied is what a scenario's ops add up to.
// outcome counts a scenario's requests into res and notes a server that
// exited unasked; false when the scenario itself could not be run.
func (r *runner) outcome(res *result, ops []op, acks []ack, err error, server *proc) (tallied, bool) {
	if err != nil {
		res.problems = append(res.problems, err.Error())
		return tallied{}, false
	}
	s := tally(ops, acks)
	res.acked, res.errors, res.notes = s.acked, len(s.errors), examples(s.errors)
	res.problems = append(res.problems, r.env.exitedEarly(server)...)
	return s, true
}

type tallied struct {
	acked  int
	errors []op
}

func tally(ops []op, acks []ack) tallied {
	var t tallied
	t.acked = len(acks)
	for _, o := range ops {
		if o.err != nil {
			t.errors = append(t.errors, o)
		}
	}
	return t
}

func firstWriteAfter(ops []op, after time.Time) time.Time {
	var first time.Time
	for _, o := range ops {
		if o.write && o.err == nil && !o.start.Before(after) && (first.IsZero() || o.end.Before(first)) {
			first = o.end
		}
	}
	return first
}

func countWrites(ops []op, from, to time.Time) int {
	n := 0
	for _, o := range ops {
		if o.write && o.err == nil && !o.start.Before(from) && o.end.Before(to) {
			n++
		}
	}
	return n
}

// statuses counts failures by status, "503 ×80, no answer ×2".
func statuses(ops []op) string {
	counts := map[string]int{}
	for _, o := range ops {
		k := fmt.Sprint(o.status)
		if o.status == 0 {
			k = "no answer"
		}
		counts[k]++
	}
	if len(counts) == 0 {
		return "none"
	}
	var parts []string
	for k, n := range counts {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func slowest(ops []op) time.Duration {
	var d time.Duration
	for _, o := range ops {
		d = max(d, o.end.Sub(o.start))
	}
	return d
}

// describe shows one failure of each status with its error.
func describe(ops []op) string {
	return statuses(ops) + "; e.g. " + strings.Join(examples(ops), " | ")
}

// examples gives the error of the first failure of each status.
func examples(ops []op) []string {
	seen := map[int]bool{}
	var out []string
	for _, o := range ops {
		if o.err != nil && !seen[o.status] {
			seen[o.status] = true
			out = append(out, fmt.Sprintf("%d: %v", o.status, o.err))
		}
	}
	sort.Strings(out)
	return out
}

func limit(msgs []string) []string {
	if len(msgs) <= 10 {
		return msgs
	}
	return append(msgs[:10:10], fmt.Sprintf("… and %d more", len(msgs)-10))
}

// num writes a count with thousands separators.
func num(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
