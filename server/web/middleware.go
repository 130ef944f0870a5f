package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fachnetz/fachnetz/server/errs"
)

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// WithRequestID tags each request with an id, taken from a trusted proxy's
// X-Request-Id when it looks like one, so log lines can be correlated.
func WithRequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-Id")
		if !validRequestID.MatchString(id) {
			b := make([]byte, 12)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(keyRequestID, id)
		c.Header("X-Request-Id", id)
		c.Next()
	}
}

// AccessLog writes one JSON line per request. It logs the route and path
// but never the query string, the client address or the user: search terms
// and who-did-what are exactly what Fachnetz promises not to keep.
func AccessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
			slog.String("request_id", RequestID(c)),
			slog.String("method", c.Request.Method),
			slog.String("route", c.FullPath()),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", c.Writer.Status()),
			slog.Int("bytes", c.Writer.Size()),
			slog.Duration("duration", time.Since(start)),
		)
	}
}

// Recover turns a panic into a logged internal error instead of a dropped
// connection.
func (w *Web) Recover() gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, rec any) {
		w.Log.Error("panic", "request_id", RequestID(c), "route", c.FullPath(), "panic", rec)
		w.FailStatus(c, http.StatusInternalServerError, errs.Internal, w.T(c, "error.internal"))
	})
}

// SecurityHeaders sets the headers of DESIGN section 10. The CSP allows
// nothing from other origins; data: images are needed by KERN's icons.
func SecurityHeaders(hsts bool) gin.HandlerFunc {
	const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		c.Next()
	}
}

// Language picks the interface language once per request.
func (w *Web) Language() gin.HandlerFunc {
	return func(c *gin.Context) {
		choice, _ := c.Cookie("lang")
		c.Set(keyLang, w.Frontend.Language(choice, c.GetHeader("Accept-Language")))
		c.Next()
	}
}

// LimitBody caps request bodies at n bytes, and at large for the requests
// isLarge picks (uploads). The cap is set before anything reads the body,
// CSRF checks of multipart forms included.
func LimitBody(n, large int64, isLarge func(*http.Request) bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			limit := n
			if isLarge(c.Request) {
				limit = large
			}
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		}
		c.Next()
	}
}

// Metrics counts requests and their latency by route (the route pattern,
// never the concrete path, so the label set stays small).
func Metrics(reg prometheus.Registerer) gin.HandlerFunc {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "fachnetz_http_requests_total",
		Help: "HTTP requests by method, route and status.",
	}, []string{"method", "route", "status"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "fachnetz_http_request_duration_seconds",
		Help:    "HTTP request latency by method and route.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"method", "route"})
	reg.MustRegister(requests, latency)
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		latency.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	}
}

// MetricsAccess lets a request through to /metrics when it carries the
// bearer token, or when it comes from one of the allowed addresses; others
// get 404, as if there were no such page. A request relayed by a proxy
// that is not trusted comes from wherever the proxy is, so it is judged
// not to come from the proxy's own address: a reverse proxy on the same
// machine does not make the world local.
func (w *Web) MetricsAccess(token string, from []*net.IPNet) gin.HandlerFunc {
	return func(c *gin.Context) {
		if sent, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer "); ok && token != "" &&
			subtle.ConstantTimeCompare([]byte(sent), []byte(token)) == 1 {
			c.Next()
			return
		}
		ip := net.ParseIP(c.ClientIP())
		relayed := c.GetHeader("X-Forwarded-For") != "" || c.GetHeader("X-Real-Ip") != "" || c.GetHeader("Forwarded") != ""
		if ip != nil && !(relayed && c.ClientIP() == c.RemoteIP()) {
			for _, n := range from {
				if n.Contains(ip) {
					c.Next()
					return
				}
			}
		}
		w.Fail(c, errs.E(errs.NotFound, "error.not_found"))
	}
}
