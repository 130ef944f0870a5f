package site

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/web"
)

// homeLimit bounds every list of the start page: it is a place to start
// from, the full lists are one link away.
const homeLimit = 10

// Space is one of the viewer's spaces.
type Space struct {
	ID       int64
	Name     string
	URL      string
	Archived bool
}

// Entry is a page or a question on the start page: what it is called,
// where it is, and one date. No entry names a person: the start page shows
// what there is to do, not who did what.
type Entry struct {
	Title     string
	URL       string
	SpaceName string
	SpaceURL  string
	Date      time.Time
	Answers   int // questions only
}

// Sources are what the start page is made of, each from the area that
// owns it. Every list is given the spaces the viewer may read and never
// shows anything of another.
type Sources struct {
	// Readable lists the spaces the request's viewer may read.
	Readable func(c *gin.Context) []int64
	// Spaces lists the spaces in readable the viewer belongs to.
	Spaces func(ctx context.Context, v *web.Viewer, readable []int64, limit int) ([]Space, error)
	// Recent lists the pages of readable last changed.
	Recent func(ctx context.Context, readable []int64, limit int) ([]Entry, error)
	// Open lists the open questions of the spaces the viewer joined and, in
	// the rest of readable, those on the topics they follow or know about.
	Open func(ctx context.Context, readable []int64, accountID int64, limit int) ([]Entry, error)
	// Due lists the viewer's own pages due for review.
	Due func(ctx context.Context, readable []int64, ownerID int64, limit int) ([]Entry, error)
	// Asked gives what is asked for this week (nil: nothing is shown).
	Asked func(c *gin.Context) (any, error)
}

// homePage is the start page of a signed-in person.
type homePage struct {
	Spaces []Space
	Recent []Entry
	Open   []Entry
	Due    []Entry
	Asked  any
}

// home is a place to work from for a signed-in person; an anonymous
// visitor gets a short welcome with the way to sign in.
func (s *Site) home(c *gin.Context) {
	v := web.ViewerOf(c)
	if v == nil {
		s.web.Render(c, http.StatusOK, "site/home", s.web.T(c, "home.title"), nil)
		return
	}
	page, err := s.homeOf(c, v)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	s.web.Render(c, http.StatusOK, "site/home", s.web.T(c, "home.title"), page)
}

func (s *Site) homeOf(c *gin.Context, v *web.Viewer) (*homePage, error) {
	src, ctx, page := s.sources, c.Request.Context(), &homePage{}
	if src.Readable == nil {
		return page, nil
	}
	readable := src.Readable(c)
	var err error
	if page.Spaces, err = src.Spaces(ctx, v, readable, 2*homeLimit); err != nil {
		return nil, fmt.Errorf("home: spaces: %w", err)
	}
	if page.Recent, err = src.Recent(ctx, readable, homeLimit); err != nil {
		return nil, fmt.Errorf("home: recent pages: %w", err)
	}
	if page.Open, err = src.Open(ctx, readable, v.ID, homeLimit); err != nil {
		return nil, fmt.Errorf("home: open questions: %w", err)
	}
	if page.Due, err = src.Due(ctx, readable, v.ID, homeLimit); err != nil {
		return nil, fmt.Errorf("home: due for review: %w", err)
	}
	if src.Asked != nil {
		if page.Asked, err = src.Asked(c); err != nil {
			return nil, fmt.Errorf("home: asked this week: %w", err)
		}
	}
	return page, nil
}
