package main

import (
	"fmt"
	"net"
	"strings"
)

// metricsSettings decide who may read /metrics: its per-route counters
// show sign-in successes and failures as they happen, so by default only
// the machine itself (a Prometheus beside it, or an SSH tunnel) may.
func metricsSettings() []*setting {
	return []*setting{
		text("FACHNETZ_METRICS_TOKEN", "metrics-token", "", "bearer token with which Prometheus may read /metrics from any address (at least 32 characters)",
			func(c *Config) *string { return &c.MetricsToken }),
		{env: "FACHNETZ_METRICS_FROM", flag: "metrics-from", def: "127.0.0.1/32,::1/128",
			usage: "comma-separated addresses or CIDRs that may read /metrics without the token; none: only with the token",
			apply: func(c *Config, v string) error {
				c.MetricsFrom = nil
				for _, p := range strings.Split(v, ",") {
					if p = strings.TrimSpace(p); p == "" || p == "none" {
						continue
					}
					if !strings.Contains(p, "/") {
						if ip := net.ParseIP(p); ip != nil && ip.To4() != nil {
							p += "/32"
						} else {
							p += "/128"
						}
					}
					_, n, err := net.ParseCIDR(p)
					if err != nil {
						return fmt.Errorf("%q is neither an IP address nor a CIDR", p)
					}
					c.MetricsFrom = append(c.MetricsFrom, n)
				}
				return nil
			}},
	}
}
