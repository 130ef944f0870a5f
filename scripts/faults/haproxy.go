package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// haproxyConfig balances over the servers. The health check uses /healthz
// (alive) and not /readyz, which fails while PostgreSQL is away and would
// take every server out at once. Only connection failures are retried and
// redispatched: the request has then not reached a server, so a write
// cannot be applied twice; a request the dying server had already taken
// fails, as it would in production.
func haproxyConfig(port int, servers []*proc) string {
	var b strings.Builder
	fmt.Fprintf(&b, `global
	maxconn 2000

defaults
	mode http
	timeout connect 1s
	timeout client 30s
	timeout server 30s
	timeout queue 5s
	retries 3
	option redispatch 1
	retry-on conn-failure

frontend web
	bind 127.0.0.1:%d
	default_backend fachnetz

backend fachnetz
	balance roundrobin
	option httpchk GET /healthz
	default-server inter 500ms fall 2 rise 2
`, port)
	for _, s := range servers {
		fmt.Fprintf(&b, "\tserver %s %s check\n", s.name, s.addr)
	}
	return b.String()
}

// startHAProxy runs HAProxy in the foreground (-db) with a generated
// configuration; as root it drops to nobody, since it needs no privilege
// on a high port.
func (e *env) startHAProxy(ctx context.Context, servers []*proc) (*proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(e.dir, "haproxy.cfg")
	if err := os.WriteFile(cfgPath, []byte(haproxyConfig(port, servers)), 0o644); err != nil {
		return nil, err
	}
	args := []string{"haproxy", "-db", "-f", cfgPath}
	if os.Geteuid() == 0 {
		args = append([]string{"runuser", "-u", "nobody", "--"}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	p, err := e.start("haproxy", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), cmd)
	if err != nil {
		return nil, err
	}
	if err := e.waitHealthy(ctx, p, 15*time.Second); err != nil {
		return nil, err
	}
	// Both servers must be up in HAProxy's eyes before the load starts,
	// else the first requests all land on one.
	time.Sleep(1500 * time.Millisecond)
	return p, nil
}
