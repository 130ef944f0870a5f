package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/postgres"
)

// A request that fails because PostgreSQL cannot be reached answers 503
// with Retry-After, so that clients and proxies try again, in JSON and in
// HTML; an error of the request itself stays a 500.
func TestFailWithTheDatabaseAwayAnswers503(t *testing.T) {
	away := postgres.UnreachableError(context.Background())
	fe, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	w := &Web{Frontend: fe, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, tc := range []struct {
		path        string
		err         error
		status      int
		retry, text string
	}{
		{"/api/v1/x", fmt.Errorf("load page: %w", away), http.StatusServiceUnavailable, "5", `"code":"unavailable"`},
		{"/seite", fmt.Errorf("load page: %w", away), http.StatusServiceUnavailable, "5", "Vorübergehend nicht erreichbar"},
		{"/api/v1/x", fmt.Errorf("render: %w", io.ErrShortWrite), http.StatusInternalServerError, "", `"code":"internal"`},
	} {
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		c.Request = httptest.NewRequest(http.MethodGet, tc.path, nil)
		w.Fail(c, tc.err)
		if rec.Code != tc.status || rec.Header().Get("Retry-After") != tc.retry || !strings.Contains(rec.Body.String(), tc.text) {
			t.Errorf("%s, %v: %d, Retry-After %q, body without %q", tc.path, tc.err, rec.Code, rec.Header().Get("Retry-After"), tc.text)
		}
	}
}
