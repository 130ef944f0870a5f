package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// env is the private installation the scenarios run against: PostgreSQL
// and Meilisearch from scripts/services.sh, fachnetz servers and HAProxy,
// all below one directory.
type env struct {
	dir, bin, scripts string
	vars              map[string]string // DIR/env of services.sh

	mu    sync.Mutex
	procs []*proc
}

// proc is a child process in its own process group, so that a kill reaches
// wrappers (runuser) too, and a Ctrl-C in the terminal reaches only us:
// we stop the children in order.
type proc struct {
	name   string
	addr   string // host:port it listens on
	cmd    *exec.Cmd
	exited chan struct{}
}

// services runs scripts/services.sh VERB DIR; its chatter goes to
// DIR/services.log and is shown only when it fails.
func (e *env) services(ctx context.Context, verb string) error {
	logPath := filepath.Join(e.dir, "services.log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.CommandContext(ctx, filepath.Join(e.scripts, "services.sh"), verb, e.dir)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("services.sh %s: %w (log: %s)", verb, err, tail(logPath, 15))
	}
	if verb != "start" {
		return nil
	}
	vars, err := readVars(filepath.Join(e.dir, "env"))
	if err != nil {
		return err
	}
	// A restart must come back where the servers look for it.
	for _, k := range []string{"FACHNETZ_DATABASE_URL", "FACHNETZ_MEILI_URL"} {
		if e.vars != nil && e.vars[k] != vars[k] {
			return fmt.Errorf("services.sh start moved %s to another port", k)
		}
	}
	e.vars = vars
	return nil
}

func readVars(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read services environment: %w", err)
	}
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			vars[k] = v
		}
	}
	return vars, nil
}

// serverEnv is the environment of every fachnetz process: all share one
// database, one index and one data directory, as servers behind a load
// balancer do.
func (e *env) serverEnv(addr string) []string {
	return append(os.Environ(),
		"FACHNETZ_DATABASE_URL="+e.vars["FACHNETZ_DATABASE_URL"],
		"FACHNETZ_MEILI_URL="+e.vars["FACHNETZ_MEILI_URL"],
		"FACHNETZ_MEILI_KEY="+e.vars["FACHNETZ_MEILI_KEY"],
		"FACHNETZ_DATA_DIR="+filepath.Join(e.dir, "files"),
		"FACHNETZ_ADDR="+addr,
		"FACHNETZ_BASE_URL=http://"+addr,
		"FACHNETZ_LOG_LEVEL=warn",
	)
}

// fachnetz runs an operator command and returns what it printed.
func (e *env) fachnetz(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, e.bin, args...)
	cmd.Env = e.serverEnv("127.0.0.1:1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("fachnetz %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// startServer starts `fachnetz serve` on a free port and waits until it
// answers /healthz.
func (e *env) startServer(ctx context.Context, name string) (*proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(e.bin, "serve")
	cmd.Env = e.serverEnv(addr)
	p, err := e.start(name, addr, cmd)
	if err != nil {
		return nil, err
	}
	return p, e.waitHealthy(ctx, p, 60*time.Second)
}

// start runs cmd with its output in DIR/NAME.log and its pid in
// DIR/NAME.pid, which faults.sh kills should this program die first.
func (e *env) start(name, addr string, cmd *exec.Cmd) (*proc, error) {
	logFile, err := os.Create(filepath.Join(e.dir, name+".log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, addr: addr, cmd: cmd, exited: make(chan struct{})}
	go func() {
		cmd.Wait() //nolint:errcheck // a killed process is what the scenarios expect
		logFile.Close()
		close(p.exited)
	}()
	if err := os.WriteFile(filepath.Join(e.dir, name+".pid"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o600); err != nil {
		p.kill()
		return nil, err
	}
	e.mu.Lock()
	e.procs = append(e.procs, p)
	e.mu.Unlock()
	return p, nil
}

func (e *env) waitHealthy(ctx context.Context, p *proc, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: time.Second}
	for {
		if resp, err := client.Get("http://" + p.addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited at start: %s", p.name, tail(filepath.Join(e.dir, p.name+".log"), 15))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s does not answer /healthz after %s: %s", p.name, timeout, tail(filepath.Join(e.dir, p.name+".log"), 15))
		}
	}
}

// exitedEarly describes a process that ended although no fault ended it.
func (e *env) exitedEarly(p *proc) []string {
	select {
	case <-p.exited:
		return []string{fmt.Sprintf("%s exited during the scenario: %s", p.name, tail(filepath.Join(e.dir, p.name+".log"), 10))}
	default:
		return nil
	}
}

// kill sends SIGKILL to the process group and waits for the process.
func (p *proc) kill() {
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck // gone already is fine
	<-p.exited
}

// stopAll ends every child still running: politely first, so that servers
// finish their requests, then with SIGKILL.
func (e *env) stopAll() {
	e.mu.Lock()
	procs := e.procs
	e.procs = nil
	e.mu.Unlock()
	for _, p := range procs {
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM) //nolint:errcheck // gone already is fine
	}
	for _, p := range procs {
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			p.kill()
		}
		os.Remove(filepath.Join(e.dir, p.name+".pid"))
	}
}

// killMeili ends Meilisearch as a crash would, without its shutdown.
func (e *env) killMeili() error {
	data, err := os.ReadFile(filepath.Join(e.dir, "meili", "pid"))
	if err != nil {
		return fmt.Errorf("Meilisearch pid: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return fmt.Errorf("Meilisearch pid: %w", err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill Meilisearch: %w", err)
	}
	for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// freePort picks a random free port in 20000-31999, below the kernel's
// ephemeral range, as scripts/lib.sh does, so that outgoing connections
// cannot take it before the server binds it.
func freePort() (int, error) {
	for range 200 {
		port := 20000 + rand.IntN(12000)
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			l.Close()
			return port, nil
		}
	}
	return 0, errors.New("no free port on 127.0.0.1")
}

// tail returns the last n lines of a log, for an error message.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "(no log)"
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "\n  " + strings.Join(lines, "\n  ")
}
