package dataset

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Streams of the random source: each part of the set draws from its own,
// so that a part comes out the same whatever is generated around it.
const (
	streamVocabulary = iota + 1
	streamPlan
	streamOrganisation
	streamPages
	streamQuestions
)

func source(seed int64, stream, n int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), uint64(stream)<<32|uint64(n)))
}

// progress counts copied rows and logs them now and then.
type progress struct {
	log   *slog.Logger
	start time.Time
	last  time.Time
	rows  int64
	table map[string]int64
}

func (pr *progress) copied(table string, n int64) {
	pr.rows += n
	pr.table[table] += n
}

func (pr *progress) report(what string, done, total int, force bool) {
	if !force && time.Since(pr.last) < 10*time.Second {
		return
	}
	pr.last = time.Now()
	secs := time.Since(pr.start).Seconds()
	pr.log.Info("benchmark data set", "step", what, "done", done, "of", total, "rows", pr.rows,
		"rows_per_s", int(float64(pr.rows)/max(secs, 0.001)), "elapsed", time.Since(pr.start).Round(time.Second).String())
}

// generate writes the whole set in one transaction, the marker last.
func generate(ctx context.Context, pool *pgxpool.Pool, opts Options, log *slog.Logger) error {
	pr := &progress{log: log, start: time.Now(), table: map[string]int64{}}
	voc := newVocabulary(source(opts.Seed, streamVocabulary, 0))
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	if err := registerCitext(ctx, tx.Conn()); err != nil {
		return err
	}
	var ids firstIDs
	for _, f := range []struct {
		table string
		id    *int64
	}{{"agencies", &ids.agency}, {"org_units", &ids.unit}, {"accounts", &ids.account}, {"spaces", &ids.space},
		{"topics", &ids.topic}, {"pages", &ids.page}, {"questions", &ids.question}, {"answers", &ids.answer}} {
		if *f.id, err = nextID(ctx, tx, f.table); err != nil {
			return fmt.Errorf("ids of %s: %w", f.table, err)
		}
	}
	p, err := newPlan(opts, source(opts.Seed, streamPlan, 0), voc, ids, time.Now().UTC())
	if err != nil {
		return err
	}
	if err := p.copyChunk(ctx, tx, pr, p.organisation(source(opts.Seed, streamOrganisation, 0), voc)); err != nil {
		return err
	}
	pr.report("people", len(p.people), len(p.people), true)
	if err := p.copyContent(ctx, tx, pr, voc, ids); err != nil {
		return err
	}
	last := map[string]int64{
		"agencies": ids.agency + int64(len(p.agencies)) - 1, "org_units": ids.unit + int64(len(p.units)) - 1,
		"accounts": ids.account + int64(len(p.people)) - 1, "spaces": ids.space + int64(len(p.spaces)) - 1,
		"topics": ids.topic + int64(len(p.topics)) - 1, "pages": ids.page + int64(opts.Spaces*opts.PagesPerSpace) - 1,
		"questions": ids.question + int64(opts.Questions) - 1, "answers": ids.answer + int64(opts.Questions*opts.AnswersPerQuestion) - 1,
	}
	for table, id := range last {
		if err := claimID(ctx, tx, table, id); err != nil {
			return fmt.Errorf("ids of %s: %w", table, err)
		}
	}
	if err := writeMarker(ctx, tx, opts.marker()); err != nil {
		return fmt.Errorf("mark the data set: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit the data set: %w", err)
	}
	pr.report("committed", 1, 1, true)
	if err := analyze(ctx, pool); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	log.Info("benchmark data set written", "rows", pr.rows, "tables", pr.table, "took", time.Since(pr.start).Round(time.Millisecond).String())
	return nil
}

// copyContent generates the pages and questions space by space in one
// goroutine while the rows of the space before are being copied.
func (p *plan) copyContent(ctx context.Context, tx pgx.Tx, pr *progress, voc *vocabulary, ids firstIDs) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan *chunk, 2)
	go func() {
		defer close(chunks)
		send := func(c *chunk) bool {
			select {
			case chunks <- c:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for si := range p.spaces {
			first := ids.page + int64(si*p.opts.PagesPerSpace)
			if !send(p.pages(source(p.opts.Seed, streamPages, si), voc, si, first)) {
				return
			}
		}
		q := 0
		for si := range p.spaces {
			c := p.questions(source(p.opts.Seed, streamQuestions, si), voc, si, ids.question+int64(q), ids.answer+int64(q*p.opts.AnswersPerQuestion))
			if !send(c) {
				return
			}
			q += p.questionCount(si)
		}
	}()
	done, total := 0, 2*len(p.spaces)
	for c := range chunks {
		if err := p.copyChunk(ctx, tx, pr, c); err != nil {
			return err
		}
		done++
		step := "pages"
		if done > len(p.spaces) {
			step = "questions"
		}
		pr.report(step, done, total, done == len(p.spaces) || done == total)
	}
	return ctx.Err()
}

func (p *plan) copyChunk(ctx context.Context, tx pgx.Tx, pr *progress, c *chunk) error {
	for _, table := range c.tables {
		rows := c.rows[table]
		if len(rows) == 0 {
			continue
		}
		if table == "profiles" {
			if err := dropTriggerProfiles(ctx, tx, p.people[0].id, p.people[len(p.people)-1].id); err != nil {
				return fmt.Errorf("profiles: %w", err)
			}
		}
		n, err := copyRows(ctx, tx, table, rows)
		if err != nil {
			return err
		}
		pr.copied(table, n)
	}
	if len(c.acceptedQ) > 0 {
		if err := setAccepted(ctx, tx, c.acceptedQ, c.acceptedA); err != nil {
			return fmt.Errorf("accepted answers: %w", err)
		}
	}
	return nil
}
