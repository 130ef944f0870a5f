package topics

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// requireKnowledgeManager answers 404 to everyone but knowledge managers,
// so that the management pages do not even show that they exist.
func (s *Topics) requireKnowledgeManager(c *gin.Context) {
	if v := web.ViewerOf(c); v == nil || !v.KnowledgeManager {
		s.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	c.Next()
}

const keyTopic = "fachnetz.topic"

// loadTopic loads the topic named by :topic. The slug of a merged topic
// redirects a GET to prefix plus the survivor's slug; an empty prefix
// (for POST) acts on the survivor.
func (s *Topics) loadTopic(prefix string) gin.HandlerFunc {
	return func(c *gin.Context) {
		t, redirected, err := s.Store.BySlug(c.Request.Context(), c.Param("topic"))
		if err == nil {
			// A proposal the viewer may not see is not found, for
			// knowledge managers too.
			t, err = s.visibleOne(c.Request.Context(), web.ViewerOf(c), t)
		}
		if err != nil {
			s.web.Fail(c, err)
			return
		}
		if redirected && prefix != "" {
			c.Redirect(http.StatusMovedPermanently, prefix+t.Slug)
			c.Abort()
			return
		}
		c.Set(keyTopic, t)
		c.Next()
	}
}

func topicOf(c *gin.Context) Topic { return web.Kept[Topic](c, keyTopic) }

// viewNode is a topic of the /themen tree as the template shows it.
type viewNode struct {
	Slug, Name string
	Synonyms   []string
	Open       bool
	Children   []viewNode
}

type treePage struct {
	Nodes    []viewNode
	Query    string
	Empty    bool
	KM       bool
	Unsorted int
}

// filterTree keeps the topics whose name or synonym contains the folded
// query, with their ancestors and their whole subtrees, all opened.
func filterTree(nodes []*Node, q string) []viewNode {
	var out []viewNode
	for _, n := range nodes {
		if q == "" || matches(n.Topic, q) {
			out = append(out, view(n, q != ""))
			continue
		}
		if kids := filterTree(n.Children, q); len(kids) > 0 {
			out = append(out, viewNode{Slug: n.Slug, Name: n.Name, Synonyms: n.Synonyms, Open: true, Children: kids})
		}
	}
	return out
}

func view(n *Node, open bool) viewNode {
	v := viewNode{Slug: n.Slug, Name: n.Name, Synonyms: n.Synonyms, Open: open}
	for _, c := range n.Children {
		v.Children = append(v.Children, view(c, open))
	}
	return v
}

func matches(t Topic, q string) bool {
	if strings.Contains(fold(t.Name), q) {
		return true
	}
	for _, syn := range t.Synonyms {
		if strings.Contains(fold(syn), q) {
			return true
		}
	}
	return false
}

func (s *Topics) tree(c *gin.Context) {
	ctx := c.Request.Context()
	roots, err := s.Tree(ctx)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	q := strings.TrimSpace(c.Query("q"))
	page := treePage{Nodes: filterTree(roots, fold(q)), Query: q, KM: web.ViewerOf(c).KnowledgeManager}
	page.Empty = len(page.Nodes) == 0
	if page.KM {
		if page.Unsorted, err = s.proposalCount(c); err != nil {
			s.web.Fail(c, err)
			return
		}
	}
	s.web.Render(c, http.StatusOK, "topics/tree", s.web.T(c, "topics.title"), page)
}

// renderedSection is a section with its items, for the template.
type renderedSection struct {
	Section
	ID string
}

func (s *Topics) show(c *gin.Context) {
	ctx, t := c.Request.Context(), topicOf(c)
	if s.deps.OnView != nil {
		s.deps.OnView(c, t.ID)
	}
	ancestors, err := s.Store.Ancestors(ctx, t.ID)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	children, err := s.Store.Children(ctx, t.ID)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	ids, err := s.Descendants(ctx, t.ID)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	var sections []renderedSection
	for i, src := range s.sections {
		sec, err := src(ctx, web.ViewerOf(c), ids)
		if err != nil {
			// One area failing must not hide the topic and the others.
			s.log.Error("topic section failed", "request_id", web.RequestID(c), "section", i, "err", err)
			continue
		}
		sections = append(sections, renderedSection{Section: sec, ID: "section-" + strconv.Itoa(i)})
	}
	var watch any
	if s.deps.WatchButton != nil {
		watch = s.deps.WatchButton(c, t.ID)
	}
	s.web.Render(c, http.StatusOK, "topics/show", t.Name, gin.H{
		"Topic": t, "Ancestors": ancestors, "Children": children, "Sections": sections,
		"KM": web.ViewerOf(c).KnowledgeManager, "Watch": watch,
	})
}
