package experts

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/expertise"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
)

// Finder is the expert search's HTTP side.
type Finder struct {
	Ranker   *Ranker
	topics   *topics.Topics
	match    *expertise.Matcher
	web      *web.Web
	readable func(c *gin.Context) []int64
}

// NewFinder wires the handlers; topics finds a topic's subtree; match maps
// free text to topics and units as the directory does; readable lists the
// spaces the request's viewer may read, the only ones evidence may come
// from.
func NewFinder(r *Ranker, topics *topics.Topics, match *expertise.Matcher, w *web.Web, readable func(c *gin.Context) []int64) *Finder {
	return &Finder{Ranker: r, topics: topics, match: match, web: w, readable: readable}
}

// find answers by topic slug or by free text, which names topics and
// units as in the directory.
func (f *Finder) find(c *gin.Context) ([]Expert, expertise.SkillMatch, error) {
	ctx, agency := c.Request.Context(), Directory(web.ViewerOf(c))
	var m expertise.SkillMatch
	var err error
	switch topic, text := c.Query("topic")+c.Query("thema"), strings.TrimSpace(c.Query("q")); {
	case topic != "":
		var t topics.Topic
		if t, m.TopicIDs, err = f.topics.Subtree(ctx, web.ViewerOf(c), topic); errs.Is(err, errs.NotFound) {
			return nil, m, nil // no such topic: nobody knows about it
		}
		m.Topics = []string{t.Name}
	case text != "":
		if utf8.RuneCountInString(text) > 100 {
			return nil, m, errs.E(errs.Invalid, "search.too_long")
		}
		m, err = f.match.Match(ctx, agency, text)
	default:
		return nil, m, nil
	}
	if err != nil {
		return nil, m, err
	}
	experts, err := f.Ranker.RankWithUnits(ctx, m.TopicIDs, m.UnitIDs, f.readable(c), agency, 20)
	return experts, m, err
}

type page struct {
	Query   string
	Match   expertise.SkillMatch
	Experts []Expert
	Asked   bool
}

// NearestURL searches for the topic offered instead ("Meinten Sie …?").
func (p page) NearestURL() string { return "/experten?q=" + url.QueryEscape(p.Match.Nearest) }

func (f *Finder) page(c *gin.Context) {
	experts, m, err := f.find(c)
	if err != nil {
		f.web.Fail(c, err)
		return
	}
	f.web.Render(c, http.StatusOK, "expertise/experts", f.web.T(c, "experts.title"), page{
		Query: c.Query("q"), Match: m, Experts: experts, Asked: c.Query("q") != "" || c.Query("thema") != "",
	})
}

func (f *Finder) api(c *gin.Context) {
	if c.Query("topic") == "" && strings.TrimSpace(c.Query("q")) == "" {
		f.web.Fail(c, errs.E(errs.Invalid, "experts.query_missing"))
		return
	}
	experts, m, err := f.find(c)
	if err != nil {
		f.web.Fail(c, err)
		return
	}
	if experts == nil {
		experts = []Expert{}
	}
	body := gin.H{"experts": experts, "topics": orEmpty(m.Topics), "units": orEmpty(m.Units)}
	if m.Nearest != "" {
		body["did_you_mean"] = m.Nearest
	}
	c.JSON(http.StatusOK, body)
}

func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// Directory is the agency whose people a viewer may look up: their own,
// or every agency (0) for admins, as the directory's profiles are.
func Directory(v *web.Viewer) int64 {
	if v.Admin {
		return 0
	}
	return v.AgencyID
}
