package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// lost reads every acknowledged write back through the API and describes
// those that are not there (or older than acknowledged).
func lost(ctx context.Context, c *client, space string, acks []ack) []string {
	// Bounded: a server that stopped answering must fail the run, not stall it.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	pages := map[string]ack{}        // slug → the highest revision acknowledged
	questions := map[int64][]int64{} // question → acknowledged answers
	for _, a := range acks {
		switch a.kind {
		case "page", "edit":
			if cur, ok := pages[a.slug]; !ok || a.revision > cur.revision {
				pages[a.slug] = a
			}
		case "question":
			if _, ok := questions[a.id]; !ok {
				questions[a.id] = nil
			}
		case "answer":
			questions[a.question] = append(questions[a.question], a.id)
		}
	}
	var jobs []func() string
	for slug, want := range pages {
		jobs = append(jobs, func() string {
			var p pageJSON
			if err := get(ctx, c, "/spaces/"+space+"/pages/"+url.PathEscape(slug), &p); err != nil {
				return fmt.Sprintf("page %s (id %d, revision %d): %v", slug, want.id, want.revision, err)
			}
			if p.ID != want.id || p.Revision < want.revision {
				return fmt.Sprintf("page %s: acknowledged id %d revision %d, found id %d revision %d", slug, want.id, want.revision, p.ID, p.Revision)
			}
			return ""
		})
	}
	for qid, answers := range questions {
		jobs = append(jobs, func() string {
			var q struct {
				Question idJSON   `json:"question"`
				Answers  []idJSON `json:"answers"`
			}
			if err := get(ctx, c, fmt.Sprintf("/questions/%d", qid), &q); err != nil {
				return fmt.Sprintf("question %d: %v", qid, err)
			}
			var missing []string
			for _, a := range answers {
				if !slices.Contains(q.Answers, idJSON{ID: a}) {
					missing = append(missing, fmt.Sprint(a))
				}
			}
			if len(missing) > 0 {
				return fmt.Sprintf("question %d: answers %s missing", qid, strings.Join(missing, ", "))
			}
			return ""
		})
	}
	out := runJobs(jobs, 8)
	if ctx.Err() != nil {
		out = append(out, "reading the acknowledged writes back did not finish within 2 minutes")
	}
	return out
}

// get retries a few times: the check must not mistake a hiccup for a loss,
// but a 404 is an answer.
func get(ctx context.Context, c *client, path string, out any) error {
	var err error
	for try := range 5 {
		var status int
		if status, err = c.do(ctx, http.MethodGet, path, nil, out); err == nil || status == http.StatusNotFound {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(try+1) * 200 * time.Millisecond):
		}
	}
	return err
}

func runJobs(jobs []func() string, workers int) []string {
	var (
		mu   sync.Mutex
		out  []string
		wg   sync.WaitGroup
		next = make(chan func() string)
	)
	for range workers {
		wg.Go(func() {
			for job := range next {
				if msg := job(); msg != "" {
					mu.Lock()
					out = append(out, msg)
					mu.Unlock()
				}
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	slices.Sort(out)
	return out
}

// drain waits until the search outbox and the copy's queue are empty.
// It returns how long that took and how many changes were pending at first.
func drain(ctx context.Context, st *store, timeout time.Duration) (time.Duration, int64, error) {
	start := time.Now()
	first := int64(-1)
	for {
		outbox, queue, err := st.pending(ctx)
		if err == nil && first < 0 {
			first = outbox
		}
		if err == nil && outbox == 0 && queue == 0 {
			return time.Since(start), first, nil
		}
		if time.Since(start) > timeout {
			return 0, first, fmt.Errorf("search outbox not drained after %s: %d for Meilisearch, %d for the PostgreSQL copy (last error: %v)", timeout, outbox, queue, err)
		}
		select {
		case <-ctx.Done():
			return 0, first, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// meiliIDs pages through the ids of every document in the index.
func meiliIDs(ctx context.Context, base, key, index string) ([]string, error) {
	hc := &http.Client{Timeout: 10 * time.Second}
	var ids []string
	for offset := 0; ; offset += 1000 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet,
			fmt.Sprintf("%s/indexes/%s/documents?fields=id&limit=1000&offset=%d", base, index, offset), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := hc.Do(req)
		if err != nil {
			return nil, fmt.Errorf("Meilisearch documents: %w", err)
		}
		var page struct {
			Results []struct {
				ID string `json:"id"`
			} `json:"results"`
			Total int `json:"total"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil {
			return nil, fmt.Errorf("Meilisearch documents: %s (%v)", resp.Status, err)
		}
		for _, r := range page.Results {
			ids = append(ids, r.ID)
		}
		if len(page.Results) == 0 || len(ids) >= page.Total {
			return ids, nil
		}
	}
}

// indexCheck waits for the outbox to drain, then compares the index with
// what PostgreSQL holds: the same documents as PostgreSQL's copy, a
// document for every page and question, and one for each acknowledged
// page and question of the scenario.
func (e *env) indexCheck(ctx context.Context, acks []ack) (summary string, problems []string) {
	st, err := openStore(ctx, e.vars["FACHNETZ_DATABASE_URL"])
	if err != nil {
		return "", []string{err.Error()}
	}
	defer st.close()
	took, pending, err := drain(ctx, st, 90*time.Second)
	if err != nil {
		return "", []string{err.Error()}
	}
	inMeili, err := meiliIDs(ctx, e.vars["FACHNETZ_MEILI_URL"], e.vars["FACHNETZ_MEILI_KEY"], "fachnetz")
	if err != nil {
		return "", []string{err.Error()}
	}
	copied, err := st.copyIDs(ctx)
	if err != nil {
		return "", []string{err.Error()}
	}
	sources, err := st.sourceIDs(ctx)
	if err != nil {
		return "", []string{err.Error()}
	}
	meili := set(inMeili)
	problems = append(problems, diff("in Meilisearch but not in PostgreSQL's copy", meili, set(copied))...)
	problems = append(problems, diff("in PostgreSQL's copy but not in Meilisearch", set(copied), meili)...)
	problems = append(problems, diff("pages and questions without a document in Meilisearch", set(sources), meili)...)
	pagesAndQuestions := map[string]bool{}
	for id := range meili {
		if strings.HasPrefix(id, "page-") || strings.HasPrefix(id, "question-") {
			pagesAndQuestions[id] = true
		}
	}
	problems = append(problems, diff("documents in Meilisearch for pages or questions that do not exist", pagesAndQuestions, set(sources))...)
	acked := map[string]bool{}
	for _, a := range acks {
		if a.kind == "page" || a.kind == "question" {
			acked[fmt.Sprintf("%s-%d", a.kind, a.id)] = true
		}
	}
	problems = append(problems, diff("acknowledged writes without a document in Meilisearch", acked, meili)...)
	same := "the same as PostgreSQL"
	if len(problems) > 0 {
		same = fmt.Sprintf("PostgreSQL's copy %s", num(len(copied)))
	}
	return fmt.Sprintf("%s changes still in the search outbox after the load, drained in %.1f s; the index holds %s documents, %s",
		num(int(pending)), took.Seconds(), num(len(meili)), same), problems
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// diff describes the ids of a that b lacks, the first few by name.
func diff(what string, a, b map[string]bool) []string {
	var missing []string
	for id := range a {
		if !b[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	shown := missing[:min(len(missing), 10)]
	return []string{fmt.Sprintf("%d %s: %s", len(missing), what, strings.Join(shown, ", "))}
}
