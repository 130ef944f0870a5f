package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestKeepHandsOnWhatWasLoaded(t *testing.T) {
	gin.SetMode(gin.TestMode)
	w := &Web{}
	type question struct{ Title string }
	var got question
	r := gin.New()
	r.GET("/found", func(c *gin.Context) { w.Keep(c, "q", question{"Frist?"}, nil) }, func(c *gin.Context) {
		got = Kept[question](c, "q")
		c.Status(http.StatusNoContent)
	})
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/found", nil))
	if rec.Code != http.StatusNoContent || got.Title != "Frist?" {
		t.Errorf("found: %d %+v", rec.Code, got)
	}
	if v := Kept[question](&gin.Context{}, "q"); v != (question{}) {
		t.Errorf("nothing kept: %+v", v)
	}
}
