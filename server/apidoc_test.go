package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/apidoc"
)

// TestOpenAPIDocumentsEveryRoute compares the route table of the server as
// wired for production with the OpenAPI document: every /api/v1 route must
// be documented with its method, and every documented operation must
// exist. It also checks that the document is served without sign-in.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg, err := loadConfig(newFlags("serve", env{stderr: io.Discard}), nil, testEnv(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, cfg, newLogger(io.Discard, cfg.LogLevel))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	engine, ok := s.http.Handler.(*gin.Engine)
	if !ok {
		t.Fatalf("handler is a %T, want *gin.Engine", s.http.Handler)
	}
	for _, m := range apidoc.Missing(engine.Routes()) {
		t.Error(m)
	}

	rec := httptest.NewRecorder()
	engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json without sign-in: status %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if rec.Body.String() != string(apidoc.Document()) {
		t.Error("served body is not the embedded document")
	}
}
