package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fachnetz/fachnetz/scripts/bench/dataset"
)

// The loads of the issue that set the targets: 64 connections for pages,
// 16 for search.
const (
	pageConns   = 64
	searchConns = 16
)

func measureLoads(ctx context.Context, o options, rep *report, set *dataset.Set, s services, static string, srv *process) error {
	warm := 2 * time.Second
	signedIn := func(req *http.Request) { req.AddCookie(set.ReaderSessionCookie) }
	// Each connection reads the paths in its own order: a page view load
	// over the reader's thousand pages, not one page, so that whatever
	// the server keeps per page is measured as a reader meets it.
	pages := func(base string, paths []string, auth func(*http.Request)) request {
		return func(ctx context.Context, c *http.Client, w, seq int) error {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+paths[(w*31+seq)%len(paths)], nil)
			if auth != nil {
				auth(req)
			}
			_, err := fetch(c, req, http.StatusOK)
			return err
		}
	}
	loads := []struct {
		name    string
		conns   int
		do      request
		into    *result
		profile string // the file of the server's CPU profile under the load
	}{
		{"static page (net/http)", pageConns, pages(static, []string{"/"}, nil), &rep.Static, ""},
		{"static after one query", pageConns, pages(static, []string{afterQueryPath}, nil), &rep.AfterQuery, ""},
		{"wiki page view", pageConns, pages(srv.base, set.PagePaths, signedIn), &rep.View, "cpu-view.pprof"},
		{"question page", pageConns, pages(srv.base, set.QuestionPaths, signedIn), &rep.Question, "cpu-question.pprof"},
	}
	for _, l := range loads {
		if l.profile != "" {
			defer profile(ctx, srv.base, filepath.Join(o.work, l.profile), warm, o.load)()
		}
		*l.into = run(ctx, l.name, l.conns, warm, o.load, l.do)
		slog.Info("measured", "load", l.into.String())
		rep.Loads = append(rep.Loads, *l.into)
	}
	spaces, err := readableSpaces(ctx, srv.base, set.ReaderToken)
	if err != nil {
		return err
	}
	wait := profile(ctx, srv.base, filepath.Join(o.work, "cpu-search.pprof"), warm, o.load)
	api := run(ctx, "search API", searchConns, warm, o.load, func(ctx context.Context, c *http.Client, w, seq int) error {
		q := set.Queries[(w*7+seq)%len(set.Queries)]
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+"/api/v1/search?q="+url.QueryEscape(q), nil)
		req.Header.Set("Authorization", "Bearer "+set.ReaderToken)
		_, err := fetch(c, req, http.StatusOK)
		return err
	})
	wait()
	direct := run(ctx, "Meilisearch direct", searchConns, warm, o.load, func(ctx context.Context, c *http.Client, w, seq int) error {
		q := set.Queries[(w*7+seq)%len(set.Queries)]
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.meili+"/indexes/"+s.index+"/search", bytes.NewReader(directQuery(q, spaces)))
		req.Header.Set("Authorization", "Bearer "+s.key)
		req.Header.Set("Content-Type", "application/json")
		_, err := fetch(c, req, http.StatusOK)
		return err
	})
	rep.Loads = append(rep.Loads, api, direct)
	rep.Search, rep.Direct = api, direct
	slog.Info("measured", "load", api.String())
	slog.Info("measured", "load", direct.String())

	if rep.Searchable, err = editToSearchable(ctx, srv.base, set, o.saves); err != nil {
		return err
	}
	rep.Mixed = run(ctx, "mixed read/write", pageConns, warm, o.mixed, mixed(srv.base, set))
	slog.Info("measured", "load", rep.Mixed.String())
	rep.Loads = append(rep.Loads, rep.Mixed)
	return nil
}

// directQuery is the request the server makes of Meilisearch for a search
// by the reader, sent by us: the query, the reader's spaces as a filter,
// the facets, a highlighted and cropped body.
func directQuery(q string, spaces []int64) []byte {
	ids := make([]string, len(spaces))
	for i, id := range spaces {
		ids[i] = strconv.FormatInt(id, 10)
	}
	in := "space_id IN [" + strings.Join(ids, ",") + "]"
	body, _ := json.Marshal(map[string]any{
		"q": q, "filter": []string{`(type != "person" AND ` + in + `) OR (type = "person" AND ` + in + `)`},
		"attributesToRetrieve":  []string{"id", "type", "space_id", "space", "url", "topics", "title"},
		"attributesToHighlight": []string{"body"}, "attributesToCrop": []string{"body"}, "cropLength": 36,
		"facets": []string{"type", "space_id", "topics"}, "hitsPerPage": 20, "page": 1, "matchingStrategy": "frequency",
	})
	return body
}

func readableSpaces(ctx context.Context, base, token string) ([]int64, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/spaces", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	body, err := fetch(client(), req, http.StatusOK)
	if err != nil {
		return nil, fmt.Errorf("the reader's spaces: %w", err)
	}
	var list struct {
		Spaces []struct {
			ID int64 `json:"id"`
		} `json:"spaces"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("the reader's spaces: %w", err)
	}
	ids := make([]int64, len(list.Spaces))
	for i, sp := range list.Spaces {
		ids[i] = sp.ID
	}
	return ids, nil
}

// savePage writes a new body to a page through the API, based on the
// revision it has now.
func savePage(ctx context.Context, c *http.Client, base, token, space, slug, body string) error {
	pageURL := base + "/api/v1/spaces/" + space + "/pages/" + slug
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	raw, err := fetch(c, req, http.StatusOK)
	if err != nil {
		return err
	}
	var page struct {
		Revision int `json:"revision"`
	}
	if err := json.Unmarshal(raw, &page); err != nil {
		return fmt.Errorf("page %s: %w", slug, err)
	}
	put, _ := json.Marshal(map[string]any{"body": body, "base_revision": page.Revision, "message": "Messung"})
	req, _ = http.NewRequestWithContext(ctx, http.MethodPut, pageURL, bytes.NewReader(put))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	_, err = fetch(c, req, http.StatusOK)
	return err
}

// markWord is a word no document holds, to find a save by.
func markWord(i int) string { return fmt.Sprintf("messmarke%dx%d", i, time.Now().UnixNano()%1_000_000) }

// editToSearchable saves pages one after another and times each from the
// request until the search API finds the page by a word the save added.
func editToSearchable(ctx context.Context, base string, set *dataset.Set, saves int) ([]time.Duration, error) {
	c := client()
	var took []time.Duration
	for i := range saves {
		word, slug := markWord(i), set.EditPages[i%len(set.EditPages)]
		began := time.Now()
		if err := savePage(ctx, c, base, set.WriterToken, set.EditSpace, slug, "Neuer Stand mit "+word+".\n\nDer Antrag ist vollständig."); err != nil {
			return nil, fmt.Errorf("edit to searchable: %w", err)
		}
		for {
			if time.Since(began) > 30*time.Second {
				return nil, fmt.Errorf("edit to searchable: page %s not found by %q after 30 s", slug, word)
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/search?q="+word, nil)
			req.Header.Set("Authorization", "Bearer "+set.WriterToken)
			raw, err := fetch(c, req, http.StatusOK)
			if err != nil {
				return nil, err
			}
			if bytes.Contains(raw, []byte(`/seiten/`+slug+`"`)) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		took = append(took, time.Since(began))
	}
	slices.Sort(took)
	return took, nil
}

// mixed is what a busy instance sees: page and question views, searches
// and, one request in ten, a save. Each connection saves its own page,
// so that no save meets another's.
func mixed(base string, set *dataset.Set) request {
	return func(ctx context.Context, c *http.Client, w, seq int) error {
		switch seq % 10 {
		case 0:
			slug := set.EditPages[w%len(set.EditPages)]
			return savePage(ctx, c, base, set.WriterToken, set.EditSpace, slug, fmt.Sprintf("Stand %d der Verbindung %d.\n\nDer Bescheid ist ergangen.", seq, w))
		case 1, 2:
			q := set.Queries[(w+seq)%len(set.Queries)]
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/search?q="+url.QueryEscape(q), nil)
			req.Header.Set("Authorization", "Bearer "+set.ReaderToken)
			_, err := fetch(c, req, http.StatusOK)
			return err
		case 3, 4, 5:
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+set.QuestionPaths[(w*31+seq)%len(set.QuestionPaths)], nil)
			req.AddCookie(set.ReaderSessionCookie)
			_, err := fetch(c, req, http.StatusOK)
			return err
		default:
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+set.PagePaths[(w*31+seq)%len(set.PagePaths)], nil)
			req.AddCookie(set.ReaderSessionCookie)
			_, err := fetch(c, req, http.StatusOK)
			return err
		}
	}
}

// profile takes a CPU profile of the server while a load runs, from after
// its warm-up until shortly before its end, into file; the returned
// function waits for it. A profile that fails is logged, not fatal.
func profile(ctx context.Context, base, file string, warm, d time.Duration) func() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-time.After(warm):
		case <-ctx.Done():
			return
		}
		seconds := max(1, int(d.Seconds())-1)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, seconds), nil)
		body, err := fetch(&http.Client{}, req, http.StatusOK)
		if err == nil {
			err = os.WriteFile(file, body, 0o644)
		}
		if err != nil {
			slog.Warn("CPU profile", "file", file, "err", err)
		}
	}()
	return func() { <-done }
}
