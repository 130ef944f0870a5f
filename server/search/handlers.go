package search

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
)

// Access is what the handlers need to know about spaces, given by the
// wiring so that this platform package does not import policies.
type Access struct {
	// Readable lists the ids of the spaces the request's viewer may read.
	Readable func(c *gin.Context) []int64
	// PeopleSpaces lists the spaces whose people the viewer may find:
	// those of the agencies whose profiles they may see. Nil: nobody.
	PeopleSpaces func(c *gin.Context) []int64
	// Names maps space ids to slug, display name and content language.
	Names func(ctx context.Context, ids []int64) (map[int64]SpaceName, error)
	// BySlug finds a space's id.
	BySlug func(ctx context.Context, slug string) (int64, bool)
	// Searched is told of every search a person submitted and whether it
	// found anything, for the anonymised trends and content gaps.
	Searched func(c *gin.Context, query string, found bool)
}

func (a Access) people(c *gin.Context) []int64 {
	if a.PeopleSpaces == nil {
		return nil
	}
	return a.PeopleSpaces(c)
}

// readQuery builds a query from the request. An unknown space slug or a
// space the viewer may not read simply finds nothing.
func (s *Service) readQuery(c *gin.Context, a Access) (Query, string, error) {
	q := Query{
		Text: strings.TrimSpace(c.Query("q")), Type: c.Query("type"), Topic: c.Query("topic"),
		Status: c.Query("status"), Spaces: a.Readable(c), PeopleSpaces: a.people(c), PerPage: 20,
	}
	if utf8.RuneCountInString(q.Text) > 200 {
		return q, "", errs.E(errs.Invalid, "search.too_long")
	}
	if p, err := strconv.Atoi(c.DefaultQuery("page", "1")); err == nil && p >= 1 && p <= 50 {
		q.Page = p
	}
	space := c.Query("space")
	if space != "" {
		id, ok := a.BySlug(c.Request.Context(), space)
		if !ok {
			id = -1
		}
		q.Space = id
	}
	return q, space, nil
}

func (s *Service) api(c *gin.Context, a Access) {
	q, _, err := s.readQuery(c, a)
	if err == nil && q.Text == "" {
		err = errs.E(errs.Invalid, "search.empty")
	}
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	res, err := s.Search(c.Request.Context(), q)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	if a.Searched != nil && q.Page == 1 {
		a.Searched(c, q.Text, res.Total > 0)
	}
	if res.Hits == nil {
		res.Hits = []Hit{}
	}
	c.JSON(http.StatusOK, res)
}

// facetLink is one filter choice on the page.
type facetLink struct {
	Label    string
	Count    int
	URL      string
	Selected bool
}

// SpaceName is how a space is shown beside its hits.
type SpaceName struct {
	Slug, Name string
	// Language of the space's content, for lang on titles and snippets.
	Language string
}

type searchPage struct {
	Query    string
	Results  Results
	Searched bool
	Filters  map[string][]facetLink // "type", "space", "topics"
	Active   []facetLink            // filters set now, with links that remove them
	Prev     string
	Next     string
	// for a search without results: the proposed spelling and asking
	// the question instead
	DidYouMeanURL string
	AskURL        string
	// Languages holds the content language of each hit's space.
	Languages map[int64]string
}

func (s *Service) page(c *gin.Context, a Access) {
	q, spaceSlug, err := s.readQuery(c, a)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	page := searchPage{Query: q.Text}
	if q.Text != "" {
		if page.Results, err = s.Search(c.Request.Context(), q); err != nil {
			s.web.Fail(c, err)
			return
		}
		page.Searched = true
		if page.Results.DidYouMean != "" {
			page.DidYouMeanURL = "/suche?" + url.Values{"q": {page.Results.DidYouMean}}.Encode()
		}
		page.AskURL = "/fragen/neu?" + url.Values{"titel": {q.Text}}.Encode()
		// Typing fires a request per pause; only a submitted search (a
		// whole page, not an htmx fragment) counts for the trends.
		if a.Searched != nil && q.Page == 1 && c.GetHeader("HX-Request") == "" {
			a.Searched(c, q.Text, page.Results.Total > 0)
		}
		if err := s.facetLinks(c, a, q, spaceSlug, &page); err != nil {
			s.web.Fail(c, err)
			return
		}
	}
	title := s.web.T(c, "search.title")
	if q.Text != "" {
		title = s.web.T(c, "search.title_for", "Query", q.Text)
	}
	s.web.Render(c, http.StatusOK, "search/page", title, page)
}

// facetLinks turns facet counts into links that add or remove a filter,
// keeping the rest of the query.
func (s *Service) facetLinks(c *gin.Context, a Access, q Query, spaceSlug string, page *searchPage) error {
	current := c.Request.URL.Query()
	current.Del("page")
	link := func(key, value string) string {
		v := url.Values{}
		for k, vs := range current {
			v[k] = vs
		}
		if value == "" {
			v.Del(key)
		} else {
			v.Set(key, value)
		}
		return "/suche?" + v.Encode()
	}
	var spaceIDs []int64
	for _, h := range page.Results.Hits {
		spaceIDs = append(spaceIDs, h.SpaceID)
	}
	for _, f := range page.Results.Facets["space_id"] {
		if id, err := strconv.ParseInt(f.Value, 10, 64); err == nil {
			spaceIDs = append(spaceIDs, id)
		}
	}
	names, err := a.Names(c.Request.Context(), spaceIDs)
	if err != nil {
		return err
	}
	// People read the space's name; its slug is for addresses.
	for i, h := range page.Results.Hits {
		if n, ok := names[h.SpaceID]; ok {
			page.Results.Hits[i].SpaceName = n.Name
		}
	}
	page.Languages = make(map[int64]string, len(names))
	for id, n := range names {
		page.Languages[id] = n.Language
	}
	page.Filters = map[string][]facetLink{}
	for _, f := range page.Results.Facets["type"] {
		page.Filters["type"] = append(page.Filters["type"], facetLink{Label: s.web.T(c, "search.type."+f.Value), Count: f.Count,
			URL: link("type", f.Value), Selected: q.Type == f.Value})
	}
	for _, f := range page.Results.Facets["space_id"] {
		id, _ := strconv.ParseInt(f.Value, 10, 64)
		n, ok := names[id]
		if !ok {
			continue
		}
		page.Filters["space"] = append(page.Filters["space"], facetLink{Label: n.Name, Count: f.Count, URL: link("space", n.Slug), Selected: spaceSlug == n.Slug})
	}
	for _, f := range page.Results.Facets["topics"] {
		page.Filters["topics"] = append(page.Filters["topics"], facetLink{Label: f.Value, Count: f.Count, URL: link("topic", f.Value), Selected: q.Topic == f.Value})
	}
	// In the order of the filters on the page, the same on every request.
	for _, active := range []struct{ key, value string }{{"type", q.Type}, {"space", spaceSlug}, {"topic", q.Topic}, {"status", q.Status}} {
		if key, value := active.key, active.value; value != "" {
			label := value
			if key == "type" || key == "status" {
				label = s.web.T(c, "search."+key+"."+value)
			}
			if n, ok := names[q.Space]; ok && key == "space" {
				label = n.Name
			}
			page.Active = append(page.Active, facetLink{Label: label, URL: link(key, "")})
		}
	}
	if q.Page > 1 {
		v := c.Request.URL.Query()
		v.Set("page", strconv.Itoa(q.Page-1))
		page.Prev = "/suche?" + v.Encode()
	}
	if q.Page < page.Results.Pages {
		v := c.Request.URL.Query()
		v.Set("page", strconv.Itoa(q.Page+1))
		page.Next = "/suche?" + v.Encode()
	}
	return nil
}
