package experts

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
)

// Finder is the expert search's HTTP side.
type Finder struct {
	Ranker   *Ranker
	topics   *topics.Store
	web      *web.Web
	readable func(c *gin.Context) []int64
}

// NewFinder wires the handlers; topics finds a topic's subtree; readable
// lists the spaces the request's viewer may read, the only ones evidence
// may come from.
func NewFinder(r *Ranker, topics *topics.Store, w *web.Web, readable func(c *gin.Context) []int64) *Finder {
	return &Finder{Ranker: r, topics: topics, web: w, readable: readable}
}

// Routes mounts the page; the caller requires a signed-in viewer.
func (f *Finder) Routes(r gin.IRouter) { r.GET("/experten", f.page) }

// APIRoutes mounts /api/v1/experts.
func (f *Finder) APIRoutes(r gin.IRouter) { r.GET("/experts", f.api) }

// find answers by topic slug or by free text.
func (f *Finder) find(c *gin.Context) ([]Expert, []string, error) {
	ctx := c.Request.Context()
	var ids []int64
	var names []string
	var err error
	switch topic, text := c.Query("topic")+c.Query("thema"), strings.TrimSpace(c.Query("q")); {
	case topic != "":
		var t topics.Topic
		if t, ids, err = f.topics.Subtree(ctx, topic); errs.Is(err, errs.NotFound) {
			return nil, nil, nil // no such topic: nobody knows about it
		}
		names = []string{t.Name}
	case text != "":
		if utf8.RuneCountInString(text) > 100 {
			return nil, nil, errs.E(errs.Invalid, "search.too_long")
		}
		ids, names, err = f.Ranker.TopicsFor(ctx, text)
	default:
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	experts, err := f.Ranker.Rank(ctx, ids, f.readable(c), Directory(web.ViewerOf(c)), 20)
	return experts, names, err
}

type page struct {
	Query   string
	Topics  []string
	Experts []Expert
	Asked   bool
}

func (f *Finder) page(c *gin.Context) {
	experts, topics, err := f.find(c)
	if err != nil {
		f.web.Fail(c, err)
		return
	}
	f.web.Render(c, http.StatusOK, "expertise/experts", f.web.T(c, "experts.title"), page{
		Query: c.Query("q"), Topics: topics, Experts: experts, Asked: c.Query("q") != "" || c.Query("thema") != "",
	})
}

func (f *Finder) api(c *gin.Context) {
	if c.Query("topic") == "" && strings.TrimSpace(c.Query("q")) == "" {
		f.web.Fail(c, errs.E(errs.Invalid, "experts.query_missing"))
		return
	}
	experts, topics, err := f.find(c)
	if err != nil {
		f.web.Fail(c, err)
		return
	}
	if experts == nil {
		experts = []Expert{}
	}
	c.JSON(http.StatusOK, gin.H{"experts": experts, "topics": topics})
}

// Directory is the agency whose people a viewer may look up: their own,
// or every agency (0) for admins, as the directory's profiles are.
func Directory(v *web.Viewer) int64 {
	if v.Admin {
		return 0
	}
	return v.AgencyID
}
