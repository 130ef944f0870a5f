package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/meilisearch/meilisearch-go"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/fachnetz/fachnetz/expertise"
	"github.com/fachnetz/fachnetz/expertise/experts"
	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/qa"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/drafts"
	"github.com/fachnetz/fachnetz/server/filenumbers"
	"github.com/fachnetz/fachnetz/server/formreturn"
	"github.com/fachnetz/fachnetz/server/mailin"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/notify/webhook"
	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/stats"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/trash"
	"github.com/fachnetz/fachnetz/server/web"
	"github.com/fachnetz/fachnetz/wiki"
)

// Server is one running fachnetz: its listener, its connections and the
// HTTP handler wired from every area. It is the only place that knows all
// of them.
type Server struct {
	cfg         *Config
	log         *slog.Logger
	pool        *pgxpool.Pool
	meili       meilisearch.ServiceManager
	frontend    *frontend.Frontend
	web         *web.Web
	formReturns *formreturn.Returns
	enforcer    *policies.Enforcer
	spaces      *policies.Spaces
	auth        *auth.Auth
	wiki        *wiki.Wiki
	topics      *topics.Topics
	search      *search.Service
	qa          *qa.Board
	notify      *notify.Notifier
	// deliveries sends e-mail and Matrix messages of notifications.
	deliveries *notify.Dispatcher
	webhooks   *webhook.Webhooks
	experts    *experts.Finder
	expertise  *expertise.Expertise
	stats      *stats.Stats
	drafts     *drafts.Drafts
	trends     *stats.Handlers
	trash      *trash.Trash
	metrics    *prometheus.Registry
	// mailIn takes forwarded threads and replies on mailListener; nil
	// without FACHNETZ_MAIL_IN_LISTEN.
	mailIn       *mailin.Listener
	mailListener net.Listener
	listener     net.Listener
	http         *http.Server
	// fileNumbers keeps the agencies' file-number patterns.
	fileNumbers *filenumbers.Service
}

// wire creates each area with what it needs, platform first: an area
// reaches another only through the functions handed to it here.
func (s *Server) wire(ctx context.Context) error {
	if err := s.wireAccess(ctx); err != nil {
		return err
	}
	md := markdown.New()
	if err := s.wireWiki(md); err != nil {
		return err
	}
	s.wireSearchAndNotify(md)
	readable := func(c *gin.Context) []int64 {
		return s.enforcer.ReadableSpaces(c.Request.Context(), policies.SubjectOf(c))
	}
	s.wireExpertise(readable)
	s.wireQA(md, readable)
	if err := s.wireMailIn(); err != nil {
		return err
	}
	s.metrics = prometheus.NewRegistry()
	s.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.search.RegisterMetrics(s.metrics)
	return nil
}
