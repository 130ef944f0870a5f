package search

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// suggestLimit is how many titles the header search offers while typing.
const suggestLimit = 8

// suggestion is one title offered under the header search field.
type suggestion struct {
	Label  string `json:"label"`
	Detail string `json:"detail"`
	URL    string `json:"url"`
	Type   string `json:"type"`
}

// suggest answers the header search field while it is typed into: the top
// titles of the same search the search page runs, with the same readable
// spaces. Fewer than two letters find nothing, and a suggestion is no
// submitted search, so it does not count for the trends.
func (s *Service) suggest(c *gin.Context, a Access) {
	text := strings.TrimSpace(c.Query("q"))
	out := []suggestion{}
	if n := utf8.RuneCountInString(text); n < 2 || n > 200 {
		c.JSON(http.StatusOK, gin.H{"items": out})
		return
	}
	res, err := s.Search(c.Request.Context(), Query{Text: text, Spaces: a.Readable(c), PeopleSpaces: a.people(c), PerPage: suggestLimit})
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	if len(res.Hits) > suggestLimit {
		res.Hits = res.Hits[:suggestLimit]
	}
	ids := make([]int64, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, h.SpaceID)
	}
	names, err := a.Names(c.Request.Context(), ids)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	for _, h := range res.Hits {
		detail, space := s.web.T(c, "search.type."+h.Type), h.Space
		if n, ok := names[h.SpaceID]; ok {
			space = n.Name
		}
		if space != "" {
			detail += " · " + space
		}
		out = append(out, suggestion{Label: h.Title, Detail: detail, URL: h.URL, Type: h.Type})
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}
