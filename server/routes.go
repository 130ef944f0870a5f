package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/meilisearch/meilisearch-go"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fachnetz/fachnetz/expertise/experts"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/admin"
	"github.com/fachnetz/fachnetz/server/apidoc"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/site"
	"github.com/fachnetz/fachnetz/server/web"
)

// formBytes is the largest body of a request that is not an upload.
const formBytes = 1 << 20

// build connects to PostgreSQL, migrates when configured to, wires the
// areas and returns the handler with every route: what serve answers with
// and what the routes command lists.
func (s *Server) build(ctx context.Context) (*gin.Engine, error) {
	var err error
	if s.pool, err = openPool(ctx, s.cfg); err != nil {
		return nil, err
	}
	if s.cfg.Migrate {
		if _, err := postgres.Migrate(ctx, s.pool, s.log); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(s.cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	s.meili = meilisearch.New(s.cfg.MeiliURL, meilisearch.WithAPIKey(s.cfg.MeiliKey), meilisearch.WithCustomClient(&http.Client{Transport: search.NewTransport()}))
	if err := s.wire(ctx); err != nil {
		return nil, err
	}
	return s.routes(), nil
}

// routes builds the middleware chain and mounts every area's routes. The
// order matters: the request id comes first so that every later log line
// carries it, and security headers are set before any handler writes.
func (s *Server) routes() *gin.Engine {
	reg := s.metrics
	w := s.web

	r := gin.New()
	if err := r.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		panic(err) // validated in config
	}
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = true
	r.Use(
		web.WithRequestID(),
		web.Metrics(reg),
		web.AccessLog(s.log),
		w.Recover(),
		web.SecurityHeaders(s.cfg.BaseURL.Scheme == "https"),
		web.LimitBody(formBytes, s.cfg.MaxUploadBytes+formBytes, isUpload),
		w.Language(),
		w.CleanInput(formBytes),
	)
	r.NoRoute(func(c *gin.Context) { w.Fail(c, errs.E(errs.NotFound, "error.not_found")) })
	r.NoMethod(func(c *gin.Context) {
		w.FailStatus(c, http.StatusMethodNotAllowed, errs.Invalid, w.T(c, "error.method_not_allowed"))
	})

	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	r.GET("/readyz", s.ready)
	s.notify.PublicRoutes(r)
	operators := w.MetricsAccess(s.cfg.MetricsToken, s.cfg.MetricsFrom)
	r.GET("/metrics", operators, gin.WrapH(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	// Go's profiler, for finding where a running server spends its time
	// (make bench takes a CPU profile under load); whoever may read the
	// metrics may profile.
	prof := r.Group("/debug/pprof", operators)
	prof.GET("/", gin.WrapF(pprof.Index))
	prof.GET("/profile", gin.WrapF(pprof.Profile))
	prof.GET("/:name", gin.WrapF(pprof.Index))
	assets := gin.WrapH(s.frontend.Assets)
	r.GET("/static/*path", assets)
	r.HEAD("/static/*path", assets)

	// Everything below knows who is asking and is CSRF-protected; an
	// upload's form is read only after that.
	app := r.Group("", s.auth.Authenticate(), w.FormReturn(), w.CleanMultipart(), s.drafts.Claim(), s.notify.Middleware())
	site.New(w, s.pool, s.homeSources()).Routes(app)
	s.auth.Routes(app)
	admin.New(w, s.auth.Store(), s.spaces.Store, s.enforcer, s.pool, s.fileNumbers).Routes(app.Group("/verwaltung", s.auth.RequireAdmin())) // 404 for everyone else, anonymous visitors too
	api := app.Group("/api/v1")
	apidoc.Routes(api) // GET /api/v1/openapi.json, public
	s.auth.APIRoutes(api)

	signedIn, apiSignedIn := app.Group("", s.auth.RequireSignIn()), api.Group("", s.auth.RequireSignIn())
	for _, a := range []routed{s.spaces, s.wiki, s.topics, s.qa, s.notify, s.webhooks, s.drafts, s.experts, s.expertise, s.trends} {
		a.Routes(signedIn)
	}
	// Listed apart, so that the compiler holds each to its API.
	for _, a := range []apiRouted{s.spaces, s.wiki, s.topics, s.qa, s.notify, s.webhooks, s.experts, s.expertise, s.trends} {
		a.APIRoutes(apiSignedIn)
	}
	access := s.searchAccess()
	s.search.Routes(signedIn, access)
	s.search.APIRoutes(apiSignedIn, access)
	w.KnowPages(r.Routes())
	if missing := apidoc.Missing(r.Routes()); len(missing) > 0 {
		s.log.Warn("OpenAPI document differs from the routes", "differences", missing)
	}
	return r
}

// searchAccess tells search which spaces the viewer may read: the filter
// that goes into every Meilisearch query.
func (s *Server) searchAccess() search.Access {
	return search.Access{
		Readable: func(c *gin.Context) []int64 {
			return s.enforcer.ReadableSpaces(c.Request.Context(), policies.SubjectOf(c))
		},
		PeopleSpaces: func(c *gin.Context) []int64 { // the directory's rule, as on profile pages
			if v := web.ViewerOf(c); v != nil && (v.Admin || v.AgencyID != 0) {
				return s.enforcer.OrganisationSpaces(experts.Directory(v))
			}
			return nil
		},
		Names: func(ctx context.Context, ids []int64) (map[int64]search.SpaceName, error) {
			list, err := s.spaces.Store.SpacesByID(ctx, ids)
			names := make(map[int64]search.SpaceName, len(list))
			for _, sp := range list {
				names[sp.ID] = search.SpaceName{Slug: sp.Slug, Name: sp.Name, Language: sp.Language}
			}
			return names, err
		},
		BySlug: func(ctx context.Context, slug string) (int64, bool) {
			sp, err := s.spaces.Store.SpaceBySlug(ctx, slug)
			return sp.ID, err == nil
		},
		Searched: s.stats.Searched,
	}
}

// ready reports whether this server can do its work: PostgreSQL must
// answer; Meilisearch is reported but not required, because search falls
// back to PostgreSQL while it is away.
func (s *Server) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	status, body := http.StatusOK, gin.H{"status": "ok", "postgres": "ok", "meilisearch": "ok"}
	if err := s.pool.Ping(ctx); err != nil {
		status, body["status"], body["postgres"] = http.StatusServiceUnavailable, "unavailable", "unavailable"
	}
	if _, err := s.meili.HealthWithContext(ctx); err != nil {
		body["meilisearch"] = "unavailable"
		if status == http.StatusOK {
			body["status"] = "degraded"
		}
	}
	if channels, err := s.deliveries.State(ctx); err == nil {
		for name, state := range channels {
			body[name] = state
			if state == "failing" && status == http.StatusOK {
				body["status"] = "degraded"
			}
		}
	}
	c.JSON(status, body)
}

// unwrapSyscall shortens "listen tcp 127.0.0.1:8080: bind: address already
// in use" to its last part, since the caller names the address already.
func unwrapSyscall(err error) error {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Err
	}
	return err
}

func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// isUpload tells the requests that may carry an attachment, a profile
// photo or a space export to import, and so a body larger than a form's.
func isUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && (strings.HasSuffix(r.URL.Path, "/anhaenge") || strings.HasSuffix(r.URL.Path, "/attachments") ||
		r.URL.Path == "/profil/foto" || r.URL.Path == "/fragen/neu/email" || (strings.HasPrefix(r.URL.Path, "/bereiche/") && strings.HasSuffix(r.URL.Path, "/einstellungen/import")))
}

// routed is an area that mounts its pages for people who are signed in,
// apiRouted one that mounts its API for them.
type (
	routed    interface{ Routes(r gin.IRouter) }
	apiRouted interface{ APIRoutes(r gin.IRouter) }
)
