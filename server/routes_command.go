package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
)

// routesCommand prints every route of the HTTP handler as "METHOD PATH",
// one a line, sorted: the handler is built exactly as serve builds it,
// without listening, so that tests and reviews see the real route table
// (the browser test of every page derives its list from it).
func routesCommand(ctx context.Context, e env, args []string) error {
	fs := newFlags("routes", e)
	cfg, rest, err := loadConfigArgs(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return &configError{fmt.Sprintf("unexpected argument %q", rest[0])}
	}
	cfg.Migrate = false // listing routes never changes the database
	fe, err := frontend.New()
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	s := &Server{cfg: cfg, log: newLogger(e.stderr, cfg.LogLevel), frontend: fe}
	defer s.Close()
	handler, err := s.build(ctx)
	if err != nil {
		return err
	}
	routes := handler.Routes()
	slices.SortFunc(routes, func(a, b gin.RouteInfo) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Method, b.Method))
	})
	for _, r := range routes {
		fmt.Fprintf(e.stdout, "%s %s\n", r.Method, r.Path)
	}
	return nil
}
