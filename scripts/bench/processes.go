package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/meilisearch/meilisearch-go"

	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
)

// services are the PostgreSQL and Meilisearch the server uses.
type services struct{ db, meili, key, index string }

func (s services) env() []string {
	return append(os.Environ(), "FACHNETZ_DATABASE_URL="+s.db, "FACHNETZ_MEILI_URL="+s.meili,
		"FACHNETZ_MEILI_KEY="+s.key, "FACHNETZ_MEILI_INDEX="+s.index)
}

// serveStatic is the reference: a 10 kB page from net/http alone, and at
// /nach-abfrage the same page after one indexed PostgreSQL query, the
// least a signed-in page costs that checks its session in the database.
func serveStatic(addr string) {
	page := []byte("<!doctype html><html lang=\"de\"><title>Statisch</title><body>" +
		strings.Repeat("<p>Ein statischer Absatz als Vergleich für die Seitenansicht.</p>\n", 150) + "</body></html>")
	page = page[:min(len(page), 10*1024)]
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Without the database the static page is still the reference; the
	// page after a query then answers 503, and its load reports errors.
	pool, err := postgres.Open(context.Background(), os.Getenv("FACHNETZ_DATABASE_URL"), 10*time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, "static server without the database:", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fail(err)
	}
	fmt.Println(ln.Addr().String())
	unknown := make([]byte, 32)
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == afterQueryPath {
			if pool == nil {
				http.Error(w, "no database", http.StatusServiceUnavailable)
				return
			}
			var id int64
			err := pool.QueryRow(r.Context(), `SELECT account_id FROM sessions WHERE id_hash = $1`, unknown).Scan(&id)
			if !errors.Is(err, pgx.ErrNoRows) {
				http.Error(w, fmt.Sprint(err), http.StatusInternalServerError)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
}

const afterQueryPath = "/nach-abfrage"

// process is a child process serving HTTP at base.
type process struct {
	cmd  *exec.Cmd
	base string
}

func (p *process) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// peakRSS is the most memory the process held at once, from the kernel.
func (p *process) peakRSS() int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func startStatic(ctx context.Context) (*process, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "static", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("static server: %w", err)
	}
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("static server: %w", err)
	}
	return &process{cmd: cmd, base: "http://" + strings.TrimSpace(addr)}, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer runs `fachnetz serve` and waits until it answers.
func startServer(ctx context.Context, o options, s services) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(o.work, "serve.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, o.fachnetz, "serve")
	cmd.Env = append(s.env(), "FACHNETZ_ADDR="+addr, "FACHNETZ_BASE_URL=http://"+addr,
		"FACHNETZ_DATA_DIR="+filepath.Join(o.work, "data"), "FACHNETZ_LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("fachnetz serve: %w", err)
	}
	p := &process{cmd: cmd, base: "http://" + addr}
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if resp, err := http.Get(p.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
	}
	p.stop()
	return nil, fmt.Errorf("fachnetz serve did not answer within a minute; see %s", logFile.Name())
}

// reindex times a full `fachnetz reindex`.
func reindex(ctx context.Context, o options, s services) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, o.fachnetz, "reindex")
	cmd.Env = s.env()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	began := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("fachnetz reindex: %w\n%s", err, out.String())
	}
	return time.Since(began), nil
}

// bulkBaseline has Meilisearch index the documents of the live index
// once more, on its own, in a scratch index it removes afterwards.
func bulkBaseline(ctx context.Context, s services) (time.Duration, int, error) {
	client := meilisearch.New(s.meili, meilisearch.WithAPIKey(s.key))
	scratch := s.index + "_bench_bulk"
	defer client.DeleteIndexWithContext(context.WithoutCancel(ctx), scratch)
	took, n, err := search.BulkIndexBaseline(ctx, client, s.index, scratch)
	if err != nil {
		return 0, 0, fmt.Errorf("bulk indexing baseline: %w", err)
	}
	return took, n, nil
}

// machine describes where the figures were measured.
func machine() string {
	model := "unknown CPU"
	if info, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(info)) {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if info, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(string(info)); len(f) > 1 {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%d cores (%s)%s, %s/%s, %s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}
