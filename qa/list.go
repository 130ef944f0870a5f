package qa

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
)

// views are the lists of the board, by their URL value.
var views = []string{"neu", "unbeantwortet", "offen"}

type listPage struct {
	Questions []Question
	Total     int
	View      string
	Views     []string
	Space     string
	Spaces    []policies.Space
	Topic     string
	Prev      string
	Next      string
}

// list shows questions from the spaces the viewer may read: newest, or
// only unanswered ones, or those without an accepted answer; narrowed by
// space or topic.
func (b *Board) list(c *gin.Context) {
	ctx, sub := c.Request.Context(), policies.SubjectOf(c)
	page := listPage{View: c.DefaultQuery("sicht", "neu"), Views: views, Space: c.Query("bereich"), Topic: c.Query("thema")}
	f := Filter{Spaces: b.spaces.Enforcer.ReadableSpaces(ctx, sub), Limit: 20,
		Unanswered: page.View == "unbeantwortet", Open: page.View == "offen"}
	n, _ := strconv.Atoi(c.DefaultQuery("seite", "1"))
	n = max(n, 1)
	f.Offset = (n - 1) * f.Limit
	if page.Space != "" {
		sp, err := b.spaces.Store.SpaceBySlug(ctx, page.Space)
		if err != nil || b.spaces.Check(ctx, sub, policies.Read, sp.ID) != nil {
			f.Space = -1 // an unknown or unreadable space lists nothing
		} else {
			f.Space = sp.ID
		}
	}
	if page.Topic != "" {
		var err error
		if f.TopicIDs, err = b.topicFilter(ctx, page.Topic); err != nil {
			b.web.Fail(c, err)
			return
		}
	}
	var err error
	if page.Questions, page.Total, err = b.store.Questions(ctx, f); err == nil {
		for i := range page.Questions {
			b.showWiki(ctx, sub, &page.Questions[i])
		}
		page.Spaces, err = b.spaces.Readable(ctx, sub)
	}
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	link := func(p int) string {
		v := url.Values{}
		for k, vs := range c.Request.URL.Query() {
			v[k] = vs
		}
		v.Set("seite", strconv.Itoa(p))
		return "/fragen?" + v.Encode()
	}
	if n > 1 {
		page.Prev = link(n - 1)
	}
	if f.Offset+len(page.Questions) < page.Total {
		page.Next = link(n + 1)
	}
	b.web.Render(c, http.StatusOK, "qa/list", b.web.T(c, "qa.list.title"), page)
}

// topicFilter is a topic by slug with every topic below it; an unknown
// topic lists nothing (the -1 no question has).
func (b *Board) topicFilter(ctx context.Context, slug string) ([]int64, error) {
	if b.deps.TopicSubtree == nil {
		return []int64{-1}, nil
	}
	ids, err := b.deps.TopicSubtree(ctx, slug)
	if errs.Is(err, errs.NotFound) {
		err = nil
	}
	return append(ids, -1), err
}
