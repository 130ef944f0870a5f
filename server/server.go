package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/formreturn"
)

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
		func(ctx context.Context) { s.notify.RunSweep(ctx, time.Hour) },
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
