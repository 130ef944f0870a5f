package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
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
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/filenumbers"
	"github.com/fachnetz/fachnetz/server/formreturn"
	"github.com/fachnetz/fachnetz/server/mailin"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/notify/webhook"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/search/german"
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

// Open prepares a server: it takes the port first, so that a port in use is
// reported before anything else happens, then connects to PostgreSQL,
// migrates and wires the routes.
func Open(ctx context.Context, cfg *Config, log *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg, log: log}
	fe, err := frontend.New()
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	s.frontend = fe
	if s.listener, err = net.Listen("tcp", cfg.Addr); err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", cfg.Addr, unwrapSyscall(err))
	}
	if err := s.listenMailIn(); err != nil {
		s.Close()
		return nil, err
	}
	handler, err := s.build(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.http = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads of large attachments
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// wire creates each area with what it needs.
func (s *Server) wire(ctx context.Context) error {
	s.formReturns = formreturn.New(formreturn.NewStore(s.pool), s.log)
	s.web = &web.Web{Frontend: s.frontend, Log: s.log, Returns: s.formReturns, SecureCookies: s.cfg.BaseURL.Scheme == "https",
		PublicHost: s.cfg.BaseURL.Host}
	enf, err := policies.New(ctx, s.pool, s.log)
	if err != nil {
		return err
	}
	s.enforcer = enf
	s.spaces = policies.NewSpaces(policies.NewStore(s.pool), enf, s.web)
	authCfg := auth.Config{
		SecureCookies:      s.cfg.BaseURL.Scheme == "https",
		SessionIdle:        s.cfg.SessionIdle,
		SessionMax:         s.cfg.SessionMax,
		MaxFailures:        s.cfg.MaxFailures,
		MaxAddressFailures: s.cfg.MaxAddressFailures,
		LockDuration:       s.cfg.LockDuration,
	}
	s.drafts = drafts.New(drafts.NewStore(s.pool), s.web, s.cfg.BaseURL.Scheme == "https")
	authCfg.Park = s.drafts.Park
	if s.cfg.OIDCIssuer != "" {
		authCfg.OIDC = &auth.OIDCConfig{
			Issuer: s.cfg.OIDCIssuer, ClientID: s.cfg.OIDCClientID, ClientSecret: s.cfg.OIDCClientSecret,
			RedirectURL:   strings.TrimRight(s.cfg.BaseURL.String(), "/") + "/anmelden/dienstkonto/zurueck",
			AgencyClaim:   s.cfg.OIDCAgencyClaim,
			GroupsClaim:   s.cfg.OIDCGroupsClaim,
			DefaultAgency: s.cfg.OIDCDefaultAgency,
			OnGroups: func(ctx context.Context, accountID int64, groups []string) error {
				if err := s.spaces.Store.SyncAccountGroups(ctx, accountID, groups); err != nil {
					return err
				}
				return enf.Reload(ctx)
			},
		}
	}
	if s.auth, err = auth.New(ctx, authCfg, auth.NewStore(s.pool), s.web, s.log); err != nil {
		return err
	}
	files, err := wiki.NewFileStore(s.cfg.DataDir)
	if err != nil {
		return err
	}
	s.topics = topics.New(s.web, s.pool)
	md := markdown.New()
	s.trash = trash.New(s.pool, s.log, s.cfg.TrashDays)
	s.fileNumbers = s.newFileNumbers()
	s.wiki = wiki.New(wiki.NewStore(s.pool), s.spaces, md, s.web, files, wiki.Deps{
		Promotion: s.promotion,
		Promoted: func(c *gin.Context, questionID int64, create func() (int64, error)) error {
			return s.qa.Promoted(c, questionID, create)
		},
		MaxUpload:     s.cfg.MaxUploadBytes,
		ResolveTopics: s.topics.ResolveIDs,
		UnknownTopics: s.topics.Unknown,
		Glossary:      s.glossary,
		FileNumbers:   s.fileNumbersIn,
		Seen:          func(c *gin.Context, kind, item string, space int64) { s.stats.Seen(c, kind, item, space) },
		Asked:         func(c *gin.Context, space int64) (any, error) { return s.trends.Space(c, space) },
		Trash:         s.trash,
		Drafts:        s.drafts,
		// s.notify is made below: these are called only once serving.
		Notify: func(ctx context.Context, tx pgx.Tx, ev notify.Event, a notify.Audience) error {
			return s.notify.Tell(ctx, tx, ev, a)
		},
		Watch: func(ctx context.Context, tx pgx.Tx, accountID int64, kind string, id int64) error {
			return s.notify.WatchWith(ctx, tx, accountID, kind, id)
		},
		Moved: func(ctx context.Context, tx pgx.Tx, subjectType string, id, spaceID int64) error {
			return s.notify.Moved(ctx, tx, subjectType, id, spaceID)
		},
		WatchButton: func(c *gin.Context, kind string, id int64) any { return s.notify.ButtonFor(c, kind, id) },
	})
	s.topics.RegisterSection(s.wiki.TopicSection)
	s.topics.RegisterMergeHook(wiki.MergeTopic)
	s.topics.RegisterCarriers(s.wiki.TopicCarriers)

	s.search = search.New(search.Config{Index: s.cfg.MeiliIndex, Synonyms: s.synonyms, Terms: s.searchTerms, Compounds: s.splitter().Compounds}, s.meili, s.pool, s.web)
	pageSource := wiki.NewSearchSource(wiki.NewStore(s.pool), md)
	pageSource.FileNumbers = s.fileNumbers.Fresh
	s.search.Register(pageSource)
	s.notify = notify.New(s.pool, s.web, func(ctx context.Context, accountID, spaceID int64) bool {
		// Granted: added to the space in the transaction at hand.
		return notify.Granted(ctx, accountID, spaceID) || s.enforcer.Can(ctx, policies.Subject{AccountID: accountID}, policies.Read, spaceID)
	})
	s.deliveries = s.notify.Deliver(notify.DeliveryConfig{
		Mail: notify.NewMailer(notify.MailConfig{Host: s.cfg.SMTPHost, Port: s.cfg.SMTPPort, TLS: s.cfg.SMTPTLS,
			User: s.cfg.SMTPUser, Password: s.cfg.SMTPPassword, From: s.cfg.SMTPFrom}),
		Matrix:       notify.NewMatrix(notify.MatrixConfig{Homeserver: s.cfg.MatrixHomeserver, Token: s.cfg.MatrixToken, User: s.cfg.MatrixUser}),
		BaseURL:      strings.TrimRight(s.cfg.BaseURL.String(), "/"),
		ReplyAddress: s.replyAddress(),
		DigestHour:   s.cfg.DigestHour,
		Log:          s.log,
	})
	s.webhooks = webhook.New(s.pool, s.web, s.spaces, s.notify, webhook.Config{BaseURL: s.cfg.BaseURL, AllowPrivate: s.cfg.WebhookAllowPrivate, OffAfter: s.cfg.WebhookOffAfter, Log: s.log})
	s.notify.Consume(s.webhooks.Consume)
	s.spaces.MembersAdded = func(ctx context.Context, tx pgx.Tx, space policies.Space, actor int64, added []int64) error {
		return s.notify.Tell(notify.Granting(ctx, space.ID, added), tx, notify.Event{Kind: notify.KindMembership, ActorID: actor, SpaceID: space.ID,
			SubjectType: "space", SubjectID: space.ID, Title: space.Name, URL: "/bereiche/" + url.PathEscape(space.Slug)}, notify.Audience{People: added})
	}
	s.notify.WatchIn(notify.WatchPage, func(ctx context.Context, _ string, id int64) (int64, bool) {
		p, err := wiki.NewStore(s.pool).PageByID(ctx, id)
		return p.SpaceID, err == nil
	})
	s.notify.WatchIn(notify.WatchSpace, func(ctx context.Context, _ string, id int64) (int64, bool) {
		return id, id > 0 // the access check finds no space that does not exist
	})
	s.topics.WatchButton = func(c *gin.Context, id int64) any { return s.notify.ButtonFor(c, notify.WatchTopic, id) }
	s.trash.OnTrashed(s.notify.Trashed)
	s.trash.OnGone(s.notify.Purged)
	readable := func(c *gin.Context) []int64 {
		return s.enforcer.ReadableSpaces(c.Request.Context(), policies.SubjectOf(c))
	}
	s.experts = experts.NewFinder(experts.New(s.pool), s.topics, expertise.NewMatcher(expertise.NewStore(s.pool), s.topics), s.web, readable)
	s.expertise = expertise.New(expertise.NewStore(s.pool), s.web, expertise.Deps{
		Topics: s.topics,
		Evidence: func(ctx context.Context, v *web.Viewer, accountID int64) (any, error) {
			return s.experts.Ranker.Profile(ctx, accountID, s.enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID}))
		},
		DerivedTopics: s.derivedTopics,
		DerivedPeople: func(ctx context.Context, v *web.Viewer, topicIDs []int64) ([]int64, error) {
			return s.experts.Ranker.DerivedPeople(ctx, topicIDs, s.enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID}), v.AgencyID)
		},
		SignOut: s.auth.ForgetSessionCookie,
	})
	s.search.Register(expertise.NewSearchSource(s.expertise.Store()))
	s.topics.RegisterMergeHook(expertise.MergeTopic)
	s.stats = stats.New(s.pool, s.log, s.cfg.StatsK, s.cfg.DataDir)
	s.trends = s.stats.NewHandlers(s.web, readable)
	s.topics.OnView = func(c *gin.Context, id int64) { s.stats.Seen(c, stats.Topic, strconv.FormatInt(id, 10), 0) }
	s.topics.RegisterSection(func(ctx context.Context, v *web.Viewer, ids []int64) (topics.Section, error) {
		figures, err := s.stats.TrendingInTopics(ctx, ids, s.enforcer.ReadableSpaces(ctx, policies.Subject{AccountID: v.ID}), 5)
		sec := topics.Section{TitleKey: "stats.asked"}
		for _, f := range figures {
			sec.Items = append(sec.Items, topics.SectionItem{Title: f.Title, URL: f.URL, Meta: s.web.Frontend.Translate("de", "stats.band", "Band", f.Band)})
		}
		return sec, err
	})
	qaStore := qa.NewStore(s.pool)
	s.notify.WatchIn(notify.WatchQuestion, func(ctx context.Context, _ string, id int64) (int64, bool) {
		q, err := qaStore.QuestionByID(ctx, id)
		return q.SpaceID, err == nil
	})
	s.notify.WatchOpen(notify.WatchTopic, func(ctx context.Context, v *web.Viewer, _ string, id int64) bool {
		list, err := s.topics.Store.ByIDs(ctx, []int64{id})
		if err == nil {
			list, err = s.topics.Visible(ctx, v, list)
		}
		return err == nil && len(list) == 1
	})
	questionSource := qa.NewSearchSource(qaStore, md)
	questionSource.FileNumbers = s.fileNumbers.Fresh
	s.search.Register(questionSource)
	s.qa = qa.New(qaStore, s.spaces, md, s.web, qa.Deps{
		ResolveTopics: s.topics.ResolveIDs,
		Glossary:      s.glossary,
		FileNumbers:   s.fileNumbersIn,
		Search:        s.search,
		Notify:        s.qaNotify,
		Merge: func(base, ours, theirs string) (string, bool) {
			m := wiki.Merge3(base, ours, theirs)
			return m.Text, len(m.Conflicts) == 0
		},
		Experts: func(c *gin.Context, topicIDs []int64, limit int) ([]qa.Expert, error) {
			list, err := s.experts.Ranker.Rank(c.Request.Context(), topicIDs, readable(c), experts.Directory(web.ViewerOf(c)), limit+2)
			out := make([]qa.Expert, 0, len(list))
			for _, e := range list {
				out = append(out, qa.Expert{Handle: e.Handle, Name: e.Name, Why: strings.TrimSpace(e.Position + " " + e.Unit)})
			}
			return out, err
		},
		TopicSubtree: func(ctx context.Context, slug string) ([]int64, error) {
			_, ids, err := s.topics.Store.Subtree(ctx, slug)
			return ids, err
		},
		LookupTopics: func(ctx context.Context, names []string) ([]int64, error) {
			found, err := s.topics.Store.ByLabels(ctx, s.pool, names)
			ids := make([]int64, 0, len(found))
			for _, t := range found { // a name and its synonym may both be typed
				if !slices.Contains(ids, t.ID) {
					ids = append(ids, t.ID)
				}
			}
			return ids, err
		},
		Invite: s.invite,
		Trash:  s.trash,
		Drafts: s.drafts,
		Seen:   func(c *gin.Context, kind, item string, space int64) { s.stats.Seen(c, kind, item, space) },
		Watch: func(ctx context.Context, tx pgx.Tx, accountID, questionID int64) error {
			return s.notify.WatchWith(ctx, tx, accountID, notify.WatchQuestion, questionID)
		},
		WatchButton: s.notify.ButtonFor,
		StoreFile:   s.storeMailFile(),
		ServeFile: func(c *gin.Context, f qa.MailFile, cache string) {
			s.wiki.ServeFile(c, f.SHA256, f.Filename, f.ContentType, time.Time{}, cache)
		},
		MailAddress: s.forwardAddress,
		BaseURL:     strings.TrimRight(s.cfg.BaseURL.String(), "/"),
		ReplyTag:    s.notify.ParseReplyTag,
		Notice:      s.deliveries.SendNotice,
	})
	if err := s.wireMailIn(); err != nil {
		return err
	}
	s.topics.RegisterSection(s.qa.TopicSection)
	s.topics.RegisterMergeHook(qa.MergeTopic)
	s.topics.RegisterCarriers(s.qa.TopicCarriers)
	s.topics.OnChange = func(ctx context.Context, tx pgx.Tx, ids []int64) error {
		// Pages and questions show topic names, and the tree gives the
		// synonyms.
		s.settingsChanged()
		if err := wiki.EnqueueTopicPages(ctx, tx, ids); err != nil {
			return err
		}
		if err := qa.EnqueueTopicQuestions(ctx, tx, ids); err != nil {
			return err
		}
		return expertise.EnqueueTopicPeople(ctx, tx, ids)
	}
	s.metrics = prometheus.NewRegistry()
	s.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.search.RegisterMetrics(s.metrics)
	return nil
}

// derivedTopics previews, for the person alone, which topics their own
// work suggests, with the evidence.
func (s *Server) derivedTopics(ctx context.Context, accountID int64) ([]expertise.DerivedTopic, error) {
	list, err := s.experts.Ranker.DerivedTopics(ctx, accountID)
	out := make([]expertise.DerivedTopic, 0, len(list))
	for _, d := range list {
		out = append(out, expertise.DerivedTopic{TopicID: d.TopicID, Name: d.Name, Evidence: d.Evidence, Hidden: d.Hidden})
	}
	return out, err
}

// qaNotify turns a board event into notifications: people mentioned in the
// new text, watchers of the question (or, for a new question, of its
// topics), and the answer's author when it is accepted. Each person hears
// once; the notifier drops the actor and everyone who may not read it.
func (s *Server) qaNotify(ctx context.Context, tx pgx.Tx, ev qa.Event) error {
	a := notify.Audience{Text: ev.Text, People: ev.Also, Watched: map[string][]int64{notify.WatchQuestion: {ev.QuestionID}}}
	if ev.Kind == notify.KindQuestion { // a new question: its topics' watchers hear of it
		a.Watched = map[string][]int64{notify.WatchTopic: ev.TopicIDs}
	}
	return s.notify.Tell(ctx, tx, notify.Event{Kind: ev.Kind, ActorID: ev.ActorID, SpaceID: ev.SpaceID, SubjectType: "question",
		SubjectID: ev.QuestionID, Title: ev.Title, URL: ev.URL}, a)
}

// invite asks a person to answer a question, as a notification; a person
// who may not read the question is refused.
func (s *Server) invite(ctx context.Context, q qa.Question, inviter int64, handle string) error {
	return postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		id, err := s.spaces.Store.KnownAccount(ctx, inviter, handle) // not found unless the inviter may know of them
		if err != nil {
			return err
		}
		ids := []int64{id}
		if !s.enforcer.Can(ctx, policies.Subject{AccountID: ids[0]}, policies.Read, q.SpaceID) {
			// Refused, not dropped: the inviter must not believe it sent.
			return errs.E(errs.Invalid, "qa.invite.cannot_read", "Handle", handle).OnField("handle")
		}
		return s.notify.Notify(ctx, tx, notify.Event{Kind: notify.KindInvite, ActorID: inviter, SpaceID: q.SpaceID,
			SubjectType: "question", SubjectID: q.ID, Title: q.Title, URL: qa.QuestionURL(q.ID)}, ids)
	})
}

// promotion hands the wiki editor a question being taken into the wiki.
func (s *Server) promotion(c *gin.Context, questionID int64) (wiki.Promotion, error) {
	d, err := s.qa.Promotion(c, questionID)
	return wiki.Promotion(d), err
}

// splitter loads the German word list; without it compound words are not
// split, and search still works, only finds less.
func (s *Server) splitter() *german.Splitter {
	if s.cfg.WordList == "" || s.cfg.WordList == "none" {
		return nil
	}
	sp, err := german.Load(s.cfg.WordList)
	if err != nil {
		s.log.Warn("German word list not available: compound words are not split", "path", s.cfg.WordList, "err", err)
		return nil
	}
	return sp
}

// sweepNotifications deletes old notifications every interval.
func (s *Server) sweepNotifications(ctx context.Context, interval time.Duration) {
	for {
		if _, err := s.notify.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sweep notifications", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// settingsChanged applies the index settings again soon, outside the
// transaction that changed the synonyms.
func (s *Server) settingsChanged() {
	go func() {
		time.Sleep(time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.search.RefreshSettings(ctx); err != nil {
			s.log.Warn("search settings not refreshed", "err", err)
		}
	}()
}

// synonyms joins the topic tree's synonyms and the glossary's
// abbreviations ("OZG" ↔ "Onlinezugangsgesetz") for the search index.
func (s *Server) synonyms(ctx context.Context) (map[string][]string, error) {
	syn, err := s.topics.Synonyms(ctx)
	if err != nil {
		return nil, err
	}
	terms, err := s.topics.Terms(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range terms {
		for _, abbr := range t.Abbreviations {
			a, term := strings.ToLower(abbr), strings.ToLower(t.Term)
			syn[a] = append(syn[a], term)
			syn[term] = append(syn[term], a)
		}
	}
	return syn, nil
}

// glossary hands the topic package's cached terms to the renderer.
func (s *Server) glossary(ctx context.Context) ([]markdown.Term, error) {
	terms, err := s.topics.Terms(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]markdown.Term, len(terms))
	for i, t := range terms {
		out[i] = markdown.Term{Slug: t.Slug, Term: t.Term, Abbreviations: t.Abbreviations, Definition: t.Definition}
	}
	return out, nil
}

// Addr is the address the server listens on, with the port resolved when
// the configuration asked for port 0.
func (s *Server) Addr() string { return s.listener.Addr().String() }

// Serve answers requests until ctx ends, then lets running requests finish
// within the shutdown timeout.
func (s *Server) Serve(ctx context.Context) error {
	// Background work stops with the server and is waited for, so that no
	// worker of a stopped server takes outbox rows meant for its successor.
	background, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	for _, run := range []func(context.Context){
		s.enforcer.Listen,
		func(ctx context.Context) { s.auth.Sweep(ctx, 10*time.Minute) },
		func(ctx context.Context) { s.formReturns.Run(ctx, formreturn.PurgeEvery) },
		s.topics.ListenGlossary,
		s.fileNumbers.Listen,
		s.search.Run,
		s.webhooks.Run,
		func(ctx context.Context) { s.sweepNotifications(ctx, time.Hour) },
		s.deliveries.Run,
		func(ctx context.Context) { s.stats.Run(ctx, 15*time.Minute) },
		func(ctx context.Context) { s.trash.Run(ctx, time.Hour) },
		func(ctx context.Context) { s.drafts.Run(ctx, time.Hour) },
		func(ctx context.Context) { s.wiki.RunReviewNotices(ctx, time.Hour) },
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(background)
		}()
	}
	defer func() {
		stopBackground()
		wg.Wait()
	}()
	select {
	case <-s.enforcer.Listening():
	case <-time.After(10 * time.Second):
		s.log.Warn("access rules are not yet followed across processes; serving anyway")
	case <-ctx.Done():
	}
	errc := make(chan error, 2)
	go func() { errc <- s.http.Serve(s.listener) }()
	s.serveMailIn(errc)
	s.log.Info("serving", "addr", s.Addr(), "base_url", s.cfg.BaseURL.String(), "version", versionString())
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if s.mailIn != nil {
		s.mailIn.Close()
	}
	if err := s.http.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close releases what Open took.
func (s *Server) Close() {
	if s.pool != nil {
		s.pool.Close()
	}
	if s.listener != nil {
		s.listener.Close()
	}
	if s.mailListener != nil {
		s.mailListener.Close()
	}
}

func serveCommand(ctx context.Context, e env, args []string) error {
	cfg, err := loadConfig(newFlags("serve", e), args, e.getenv)
	if err != nil {
		return err
	}
	log := newLogger(e.stderr, cfg.LogLevel)
	limitMemory(e.getenv)
	s, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Serve(ctx)
}

// defaultMemoryLimit is the Go runtime's soft memory limit for serve
// unless GOMEMLIMIT sets another: the garbage collector works harder as
// the heap nears it instead of letting it grow to twice what is live, so
// that a server stays within the 150 MB of DESIGN.md section 9 (the rest
// is the binary's code and data).
const defaultMemoryLimit = 100 << 20

func limitMemory(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

func migrateCommand(ctx context.Context, e env, args []string) error {
	cfg, err := loadConfig(newFlags("migrate", e), args, e.getenv)
	if err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, 5*time.Second)
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := postgres.Migrate(ctx, pool, newLogger(e.stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d migrations applied\n", n)
	return nil
}

func healthcheckCommand(ctx context.Context, e env, args []string) error {
	fs := newFlags("healthcheck", e)
	addr := fs.String("addr", "127.0.0.1:8080", "address of the local server")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return &configError{fmt.Sprintf("unexpected argument %q", rest[0])}
	}
	if v := e.getenv("FACHNETZ_ADDR"); v != "" && !isFlagSet(fs, "addr") {
		*addr = v
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return &configError{fmt.Sprintf("--addr %q: want host:port", *addr)}
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /healthz answered %s", resp.Status)
	}
	return nil
}
