package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// client speaks /api/v1 with a bearer token.
type client struct {
	base, token string
	http        *http.Client
}

func newClient(base, token string) *client {
	// A short timeout: a request that hangs while a service is away counts
	// as an error, as it would for a person waiting in the browser.
	return &client{base: base, token: token, http: &http.Client{Timeout: 10 * time.Second}}
}

// do sends a request and decodes a 2xx answer into out. status is 0 when
// no answer came at all.
func (c *client) do(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v1"+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept-Language", "en")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("%s %s: %s: %.200s", method, path, resp.Status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// op is one request of the load, with when it was sent and answered.
type op struct {
	write      bool
	start, end time.Time
	status     int // 0: no answer
	err        error
}

// ack is a write the server acknowledged, with what identifies it.
type ack struct {
	kind     string // page, edit, question, answer
	slug     string // page and edit
	revision int    // page and edit
	id       int64  // page, question, answer
	question int64  // answer
}

// recorder collects the ops and acks of all workers.
type recorder struct {
	mu   sync.Mutex
	ops  []op
	acks []ack
}

func (r *recorder) op(o op) {
	r.mu.Lock()
	r.ops = append(r.ops, o)
	r.mu.Unlock()
}

func (r *recorder) ack(a ack) {
	r.mu.Lock()
	r.acks = append(r.acks, a)
	r.mu.Unlock()
}

func (r *recorder) snapshot() ([]op, []ack) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]op(nil), r.ops...), append([]ack(nil), r.acks...)
}

// load is the traffic of one scenario: writers that create pages, edit
// them, ask questions and answer them, and readers that list and search.
type load struct {
	c       *client
	space   string
	prefix  string // keeps the slugs of scenarios apart
	writers int
	readers int
	rec     recorder
}

type pageJSON struct {
	ID       int64  `json:"id"`
	Slug     string `json:"slug"`
	Revision int    `json:"revision"`
}

type idJSON struct {
	ID int64 `json:"id"`
}

// run sends traffic until ctx ends and waits for the requests in flight.
func (l *load) run(ctx context.Context) {
	var wg sync.WaitGroup
	for w := range l.writers {
		wg.Go(func() { l.writer(ctx, w) })
	}
	for r := range l.readers {
		wg.Go(func() { l.reader(ctx, r) })
	}
	wg.Wait()
}

// call times one request; requests cut off by the end of the load are not
// counted, they were never answered nor refused.
func (l *load) call(ctx context.Context, write bool, method, path string, body, out any) bool {
	start := time.Now()
	status, err := l.c.do(ctx, method, path, body, out)
	if ctx.Err() != nil {
		return false
	}
	l.rec.op(op{write: write, start: start, end: time.Now(), status: status, err: err})
	if err != nil {
		// A client that fails waits a moment before it tries again, as
		// people and well-behaved programs do; hammering a refusing server
		// would only inflate the count of refusals.
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
	return err == nil
}

func (l *load) writer(ctx context.Context, w int) {
	var last pageJSON
	for i := 0; ctx.Err() == nil; i++ {
		switch {
		case i%4 == 2 && last.Slug != "":
			l.edit(ctx, &last, i)
		case i%4 == 3:
			l.question(ctx, w, i)
		default:
			slug := fmt.Sprintf("%s-w%d-%d", l.prefix, w, i)
			var p pageJSON
			body := map[string]any{"title": fmt.Sprintf("Störfall %s %d/%d", l.prefix, w, i),
				"body": fmt.Sprintf("Seite %d von Schreiber %d.\n\nDienstanweisung Notbetrieb.\n", i, w)}
			if l.call(ctx, true, http.MethodPut, "/spaces/"+l.space+"/pages/"+slug, body, &p) {
				l.rec.ack(ack{kind: "page", slug: p.Slug, revision: p.Revision, id: p.ID})
				last = p
			}
		}
	}
}

// edit reads the page first, so that the edit is based on what is saved
// now even when an earlier edit's answer was lost.
func (l *load) edit(ctx context.Context, last *pageJSON, i int) {
	path := "/spaces/" + l.space + "/pages/" + last.Slug
	var cur pageJSON
	if !l.call(ctx, false, http.MethodGet, path, nil, &cur) {
		return
	}
	body := map[string]any{"base_revision": cur.Revision, "message": "Nachtrag",
		"body": fmt.Sprintf("Überarbeitet in Schritt %d.\n\nDienstanweisung Notbetrieb.\n", i)}
	var p pageJSON
	if l.call(ctx, true, http.MethodPut, path, body, &p) {
		l.rec.ack(ack{kind: "edit", slug: p.Slug, revision: p.Revision, id: p.ID})
		*last = p
	}
}

func (l *load) question(ctx context.Context, w, i int) {
	var q idJSON
	body := map[string]any{"space": l.space, "title": fmt.Sprintf("Wer hilft bei Störung %s %d/%d?", l.prefix, w, i),
		"body": "Der Dienst war kurz nicht erreichbar."}
	if !l.call(ctx, true, http.MethodPost, "/questions", body, &q) {
		return
	}
	l.rec.ack(ack{kind: "question", id: q.ID})
	var a idJSON
	if l.call(ctx, true, http.MethodPost, fmt.Sprintf("/questions/%d/answers", q.ID), map[string]any{"body": "Neu starten und abwarten."}, &a) {
		l.rec.ack(ack{kind: "answer", id: a.ID, question: q.ID})
	}
}

func (l *load) reader(ctx context.Context, r int) {
	paths := []string{"/spaces/" + l.space + "/pages", "/search?q=" + url.QueryEscape("Notbetrieb"), "/questions", "/spaces/" + l.space}
	for i := r; ctx.Err() == nil; i++ {
		l.call(ctx, false, http.MethodGet, paths[i%len(paths)], nil, nil)
		// Readers look, writers write: readers at full speed would only
		// measure the machine.
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
}
