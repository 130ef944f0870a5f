package topics

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

func (s *Topics) apiRequireKM(c *gin.Context) {
	if err := requireKM(web.ViewerOf(c)); err != nil {
		s.web.Fail(c, err)
		return
	}
	c.Next()
}

// apiList pages through all topics by id, with the unsorted proposals the
// viewer may see; parent gives the tree. A page may hold fewer than limit
// topics while next_cursor goes on.
func (s *Topics) apiList(c *gin.Context) {
	limit, cursor, err := web.Page(c, 500, 1000)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	list, err := s.Store.Page(c.Request.Context(), limit+1, cursor)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	list, next := web.NextCursor(list, limit, func(t Topic) int64 { return t.ID })
	v := web.ViewerOf(c)
	if list, err = s.Visible(c.Request.Context(), v, list); err != nil {
		s.web.Fail(c, err)
		return
	}
	forReader(v, list)
	c.JSON(http.StatusOK, gin.H{"topics": list, "next_cursor": next})
}

func (s *Topics) apiSuggest(c *gin.Context) {
	limit := 10
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			s.web.Fail(c, errs.E(errs.Invalid, "error.limit_invalid", "Max", 50))
			return
		}
		limit = n
	}
	list, err := s.Suggest(c.Request.Context(), web.ViewerOf(c), c.Query("q"), limit)
	web.JSONList(s.web, c, "suggestions", list, err)
}

// apiGet answers a topic; a merged topic's slug answers the survivor. A
// proposal the viewer may not see is not found.
func (s *Topics) apiGet(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	t, err := s.BySlug(ctx, c.Param("topic"))
	if err == nil {
		t, err = s.visibleOne(ctx, v, t)
	}
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	list := []Topic{t}
	forReader(v, list)
	c.JSON(http.StatusOK, list[0])
}

// topicBody is the JSON of POST and PUT. parent is an id, a slug, or null
// for the top level; in PUT, an absent field stays as it is.
type topicBody struct {
	Name        *string         `json:"name"`
	Slug        string          `json:"slug"`
	Description *string         `json:"description"`
	Parent      json.RawMessage `json:"parent"`
	Synonyms    *[]string       `json:"synonyms"`
}

// parent resolves the parent field; set is false when it was absent.
func (s *Topics) parent(ctx context.Context, raw json.RawMessage) (id *int64, set bool, err error) {
	if len(raw) == 0 {
		return nil, false, nil
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, true, nil
	}
	var n int64
	if json.Unmarshal(raw, &n) == nil {
		return &n, true, nil
	}
	var slug string
	if json.Unmarshal(raw, &slug) == nil {
		t, err := s.BySlug(ctx, slug)
		if errs.Is(err, errs.NotFound) {
			return nil, true, errs.E(errs.Invalid, "topics.parent_unknown").OnField("parent")
		}
		return &t.ID, true, err
	}
	return nil, true, errs.E(errs.Invalid, "topics.parent_unknown").OnField("parent")
}

func firstProblem(problems []*errs.Error, err error) error {
	if err == nil && len(problems) > 0 {
		return problems[0]
	}
	return err
}

func (s *Topics) apiCreate(c *gin.Context) {
	var b topicBody
	if err := web.Bind(c, &b); err != nil {
		s.web.Fail(c, err)
		return
	}
	ctx := c.Request.Context()
	in := TopicInput{Slug: b.Slug}
	if b.Name != nil {
		in.Name = *b.Name
	}
	if b.Description != nil {
		in.Description = *b.Description
	}
	if b.Synonyms != nil {
		in.Synonyms = *b.Synonyms
	}
	parent, _, err := s.parent(ctx, b.Parent)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	in.ParentID = parent
	t, problems, err := s.Create(ctx, web.ViewerOf(c), in)
	if err = firstProblem(problems, err); err != nil {
		s.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, t)
}

// apiUpdate changes what the body carries: name and description, parent
// (moving the topic, which also sorts a proposal), synonyms (replacing
// them). Each part is its own transaction, applied in that order.
func (s *Topics) apiUpdate(c *gin.Context) {
	var b topicBody
	if err := web.Bind(c, &b); err != nil {
		s.web.Fail(c, err)
		return
	}
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	t, err := s.BySlug(ctx, c.Param("topic"))
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	parent, moving, err := s.parent(ctx, b.Parent)
	if err == nil && (b.Name != nil || b.Description != nil) {
		in := TopicInput{Name: t.Name, Description: t.Description}
		if b.Name != nil {
			in.Name = *b.Name
		}
		if b.Description != nil {
			in.Description = *b.Description
		}
		err = firstProblem(s.Update(ctx, v, t, in))
	}
	if err == nil && moving {
		err = firstProblem(s.Move(ctx, v, t, parent))
	}
	if err == nil && b.Synonyms != nil {
		err = firstProblem(s.SetSynonyms(ctx, v, t, *b.Synonyms))
	}
	if err == nil {
		t, err = s.Store.ByID(ctx, t.ID)
	}
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}
