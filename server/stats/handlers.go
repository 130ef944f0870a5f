package stats

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// Handlers serve the trends.
type Handlers struct {
	stats    *Stats
	web      *web.Web
	readable func(c *gin.Context) []int64
}

// NewHandlers wires the trends pages; readable lists the spaces the
// request's viewer may read: no item of another space is ever shown.
func (s *Stats) NewHandlers(w *web.Web, readable func(c *gin.Context) []int64) *Handlers {
	return &Handlers{stats: s, web: w, readable: readable}
}

// Seen records that the request's viewer looked at an item.
func (s *Stats) Seen(c *gin.Context, kind, item string, spaceID int64) {
	if v := web.ViewerOf(c); v != nil && !v.ViaToken {
		s.Record(c.Request.Context(), Event{AccountID: v.ID, AgencyID: v.AgencyID, Kind: kind, Item: item, SpaceID: spaceID})
	}
}

// Searched records a submitted search, and a search that found nothing
// as a content gap.
func (s *Stats) Searched(c *gin.Context, query string, found bool) {
	q := NormalizeQuery(query)
	s.Seen(c, Search, q, 0)
	if !found {
		s.Seen(c, SearchEmpty, q, 0)
	}
}

// Week is what is asked for this week.
type Week struct {
	Scope     string   `json:"scope"`
	K         int      `json:"k"`
	Pages     []Figure `json:"pages"`
	Questions []Figure `json:"questions"`
	Topics    []Figure `json:"topics"`
	Searches  []Figure `json:"searches,omitempty"`
	Gaps      []Figure `json:"content_gaps,omitempty"`
	Overdue   []Figure `json:"overdue_pages,omitempty"`
	space     int64
}

// Week gathers the figures the viewer may see, the knowledge managers'
// parts only for knowledge managers. Pages and questions are those of the
// spaces the viewer may read, each with its space's figure; topics,
// searches and content gaps those of scope, the viewer's agency (the
// instance has none of its own).
func (h *Handlers) Week(c *gin.Context, scope string, manager bool) (Week, error) {
	ctx, readable := c.Request.Context(), h.readable(c)
	w := Week{Scope: scope, K: h.stats.rule.K}
	var err error
	if w.Pages, err = h.stats.Trending(ctx, scope, Page, readable, 5); err != nil {
		return w, err
	}
	if w.Questions, err = h.stats.Trending(ctx, scope, Question, readable, 5); err != nil {
		return w, err
	}
	if w.Topics, err = h.stats.Trending(ctx, scope, Topic, readable, 5); err != nil {
		return w, err
	}
	if manager {
		if w.Searches, err = h.stats.Searches(ctx, scope, Search, 20); err != nil {
			return w, err
		}
		if w.Gaps, err = h.stats.Searches(ctx, scope, SearchEmpty, 20); err != nil {
			return w, err
		}
		if w.Overdue, err = h.stats.OverdueByDemand(ctx, readable, 20); err != nil {
			return w, err
		}
	}
	return w, nil
}

// InSpace reports whether the figures are those of one space.
func (w Week) InSpace() bool { return w.space != 0 }

// Space is the "Gefragt diese Woche" of one space the viewer may read:
// the same figures of its pages and questions as the home page shows.
// It is empty unless the space has readers enough for figures.
func (h *Handlers) Space(c *gin.Context, spaceID int64) (Week, error) {
	ctx, readable := c.Request.Context(), h.readable(c)
	w := Week{Scope: SpaceScope(spaceID), K: h.stats.rule.K, Topics: []Figure{}, space: spaceID}
	var err error
	if w.Pages, err = h.stats.InSpace(ctx, spaceID, Page, readable, 5); err != nil {
		return w, err
	}
	w.Questions, err = h.stats.InSpace(ctx, spaceID, Question, readable, 5)
	return w, err
}

// Home is the "Gefragt diese Woche" of the home page.
func (h *Handlers) Home(c *gin.Context) (Week, error) {
	return h.Week(c, Scope(web.ViewerOf(c).AgencyID), false)
}

// scope reads the API's choice: the viewer's agency or the whole
// instance. The instance has no figures of searches, content gaps and
// topics: each counts in its agency only, so that no instance figure can
// be set against an agency's.
func (h *Handlers) scope(c *gin.Context) string {
	if c.Query("scope") == "instance" || c.Query("bereich") == "alle" {
		return Scope(0)
	}
	return Scope(web.ViewerOf(c).AgencyID)
}

func (h *Handlers) page(c *gin.Context) {
	v := web.ViewerOf(c)
	if !v.KnowledgeManager {
		h.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	w, err := h.Week(c, Scope(v.AgencyID), true)
	if err != nil {
		h.web.Fail(c, err)
		return
	}
	h.web.Render(c, http.StatusOK, "stats/trends", h.web.T(c, "stats.title"), gin.H{"Week": w, "K": strconv.Itoa(w.K), "Min": strconv.Itoa(h.stats.rule.MinPopulation())})
}

func (h *Handlers) api(c *gin.Context) {
	if slug := c.Query("space"); slug != "" {
		id, err := h.stats.readableSpace(c.Request.Context(), slug, h.readable(c))
		if err != nil {
			h.web.Fail(c, err)
			return
		}
		w, err := h.Space(c, id)
		if err != nil {
			h.web.Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, w)
		return
	}
	w, err := h.Week(c, h.scope(c), web.ViewerOf(c).KnowledgeManager)
	if err != nil {
		h.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

// readableSpace finds a space by slug; one the viewer may not read is
// not found, like everywhere else.
func (s *Stats) readableSpace(ctx context.Context, slug string, readable []int64) (int64, error) {
	id, err := s.store.spaceBySlug(ctx, slug)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !slices.Contains(readable, id) {
		return 0, errs.E(errs.NotFound, "error.not_found")
	}
	return id, err
}
