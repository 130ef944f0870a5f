package site

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/web"
)

// Every list of the start page gets the viewer's readable spaces, their
// id and its limit, and the page shows what they give.
func TestHomeAsksEverySourceForTheViewer(t *testing.T) {
	readable := []int64{3, 5}
	viewer := &web.Viewer{ID: 42, Name: "Erika"}
	var asked []string
	check := func(name string, got []int64, limit, want int) {
		asked = append(asked, name)
		if !slices.Equal(got, readable) || limit != want {
			t.Errorf("%s: readable %v, limit %d", name, got, limit)
		}
	}
	entry := func(title string) []Entry {
		return []Entry{{Title: title, URL: "/x", SpaceName: "Raum", SpaceURL: "/r", Date: time.Now()}}
	}
	src := Sources{
		Readable: func(*gin.Context) []int64 { return readable },
		Spaces: func(_ context.Context, v *web.Viewer, r []int64, limit int) ([]Space, error) {
			check("spaces", r, limit, 2*homeLimit)
			return []Space{{ID: 3, Name: "Vergaberecht", URL: "/bereiche/vergabe"}}, nil
		},
		Recent: func(_ context.Context, r []int64, limit int) ([]Entry, error) {
			check("recent", r, limit, homeLimit)
			return entry("Zuletzt geänderte Seite"), nil
		},
		Open: func(_ context.Context, r []int64, id int64, limit int) ([]Entry, error) {
			check("open", r, limit, homeLimit)
			if id != 42 {
				t.Errorf("open questions asked for account %d", id)
			}
			return entry("Offene Frage"), nil
		},
		Due: func(_ context.Context, r []int64, id int64, limit int) ([]Entry, error) {
			check("due", r, limit, homeLimit)
			if id != 42 {
				t.Errorf("due pages asked for account %d", id)
			}
			return entry("Fällige Seite"), nil
		},
	}
	rec := do(engine(t, viewer, src), http.MethodGet, "/", "de", nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || len(asked) != 4 {
		t.Fatalf("%d, asked %v", rec.Code, asked)
	}
	for _, want := range []string{"Vergaberecht", "Zuletzt geänderte Seite", "Offene Frage", "Fällige Seite"} {
		if !strings.Contains(body, want) {
			t.Errorf("the start page lacks %q", want)
		}
	}
}

// A source that fails fails the page: a start page with a silently
// missing list would look like there is nothing to do.
func TestHomeFailsWithItsSource(t *testing.T) {
	none := func(context.Context, []int64, int64, int) ([]Entry, error) { return nil, nil }
	src := Sources{
		Readable: func(*gin.Context) []int64 { return nil },
		Spaces:   func(context.Context, *web.Viewer, []int64, int) ([]Space, error) { return nil, nil },
		Recent:   func(context.Context, []int64, int) ([]Entry, error) { return nil, nil },
		Open:     none,
		Due: func(context.Context, []int64, int64, int) ([]Entry, error) {
			return nil, errors.New("review queue away")
		},
	}
	if rec := do(engine(t, &web.Viewer{ID: 1, Name: "X"}, src), http.MethodGet, "/", "de", nil); rec.Code != http.StatusInternalServerError {
		t.Errorf("failing source: %d", rec.Code)
	}
}

// An anonymous visitor gets the welcome and no source is asked.
func TestHomeForAnonymousVisitors(t *testing.T) {
	src := Sources{Readable: func(*gin.Context) []int64 { t.Error("a source was asked for an anonymous visitor"); return nil }}
	rec := do(engine(t, nil, src), http.MethodGet, "/", "de", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `href="/anmelden`) {
		t.Errorf("anonymous: %d", rec.Code)
	}
}

// An open question says how many answers it has, in German and English,
// for none, one and several.
func TestHomeCountsTheAnswersOfOpenQuestions(t *testing.T) {
	viewer := &web.Viewer{ID: 42, Name: "Erika"}
	open := []Entry{
		{Title: "Ohne Antwort", URL: "/fragen/1", SpaceName: "Raum", SpaceURL: "/r", Date: time.Now()},
		{Title: "Mit einer Antwort", URL: "/fragen/2", SpaceName: "Raum", SpaceURL: "/r", Date: time.Now(), Answers: 1},
		{Title: "Mit drei Antworten", URL: "/fragen/3", SpaceName: "Raum", SpaceURL: "/r", Date: time.Now(), Answers: 3},
	}
	src := Sources{
		Readable: func(*gin.Context) []int64 { return []int64{3} },
		Spaces:   func(context.Context, *web.Viewer, []int64, int) ([]Space, error) { return nil, nil },
		Recent:   func(context.Context, []int64, int) ([]Entry, error) { return nil, nil },
		Open:     func(context.Context, []int64, int64, int) ([]Entry, error) { return open, nil },
		Due:      func(context.Context, []int64, int64, int) ([]Entry, error) { return nil, nil },
	}
	for lang, want := range map[string][]string{
		"de": {"noch keine Antwort", "1 Antwort", "3 Antworten"},
		"en": {"no answer yet", "1 answer", "3 answers"},
	} {
		rec := do(engine(t, viewer, src), http.MethodGet, "/", lang, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", lang, rec.Code)
		}
		for _, w := range want {
			if !strings.Contains(rec.Body.String(), w) {
				t.Errorf("%s: %q missing", lang, w)
			}
		}
	}
}
