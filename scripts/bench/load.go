package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// request is one request of a load: worker is the connection's number,
// seq how many requests that connection sent before.
type request func(ctx context.Context, c *http.Client, worker, seq int) error

// result is what one load measured.
type result struct {
	Name     string
	Conns    int
	Requests int
	Errors   int
	FirstErr string
	Elapsed  time.Duration
	lat      []time.Duration
}

func (r result) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// Pct is the latency below which p per cent of the requests finished.
func (r result) Pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(float64(len(r.lat))*p/100))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (r result) String() string {
	return fmt.Sprintf("%-28s %3d conns %9.0f req/s  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  errors %d",
		r.Name, r.Conns, r.RPS(), ms(r.Pct(50)), ms(r.Pct(95)), ms(r.Pct(99)), r.Errors)
}

// client is one keep-alive connection, as a browser or wrk holds one.
func client() *http.Client {
	return &http.Client{
		Timeout:       30 * time.Second,
		Transport:     &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// run keeps conns connections busy with do, closed-loop: each sends its
// next request when the last one is answered. The first warm seconds are
// not counted, so that caches and connection pools are filled.
func run(ctx context.Context, name string, conns int, warm, d time.Duration, do request) result {
	start := time.Now()
	from, until := start.Add(warm), start.Add(warm+d)
	var mu sync.Mutex
	res := result{Name: name, Conns: conns}
	var wg sync.WaitGroup
	for w := range conns {
		wg.Go(func() {
			c := client()
			defer c.CloseIdleConnections()
			var lat []time.Duration
			errors, first := 0, ""
			for seq := 0; ; seq++ {
				t0 := time.Now()
				if t0.After(until) || ctx.Err() != nil {
					break
				}
				err := do(ctx, c, w, seq)
				if t0.Before(from) {
					continue
				}
				lat = append(lat, time.Since(t0))
				if err != nil {
					if errors == 0 {
						first = err.Error()
					}
					errors++
				}
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.Requests += len(lat)
			res.Errors += errors
			if res.FirstErr == "" {
				res.FirstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.Elapsed = d
	slices.Sort(res.lat)
	return res
}

// fetch sends req and reads the whole answer; any status but want is an
// error.
func fetch(c *http.Client, req *http.Request, want int) ([]byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return body, fmt.Errorf("%s %s: status %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	return body, nil
}
