package topics

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/web"
)

// alphabet is the letter navigation of /glossar; letters without terms are
// shown but not linked.
var alphabet = strings.Split("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "")

type letterLink struct {
	Letter, ID string
	Present    bool
}

func (s *Topics) glossaryPage(c *gin.Context) {
	terms, err := s.Terms(c.Request.Context())
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	groups := byLetter(terms)
	present := map[string]string{}
	for _, g := range groups {
		present[g.Letter] = g.ID
	}
	var links []letterLink
	if id, ok := present["#"]; ok {
		links = append(links, letterLink{Letter: "#", ID: id, Present: true})
	}
	for _, l := range alphabet {
		id, ok := present[l]
		links = append(links, letterLink{Letter: l, ID: id, Present: ok})
	}
	s.web.Render(c, http.StatusOK, "glossary/list", s.web.T(c, "glossary.title"), gin.H{
		"Groups": groups, "Letters": links, "KM": web.ViewerOf(c).KnowledgeManager,
	})
}

func (s *Topics) glossaryManage(c *gin.Context) {
	terms, err := s.Terms(c.Request.Context())
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	s.web.Render(c, http.StatusOK, "glossary/manage", s.web.T(c, "glossary.manage.title"), gin.H{
		"Terms": terms, "Deleted": c.Query("geloescht") == "1",
	})
}

const keyTerm = "fachnetz.term"

func (s *Topics) loadTerm(c *gin.Context) {
	g, err := s.Store.TermBySlug(c.Request.Context(), c.Param("term"))
	s.web.Keep(c, keyTerm, g, err)
}

func termOf(c *gin.Context) GlossaryTerm { return web.Kept[GlossaryTerm](c, keyTerm) }

type termPage struct {
	Term  *GlossaryTerm // nil when creating
	Form  *frontend.Form
	Saved bool
}

func termFormFrom(c *gin.Context) (*frontend.Form, GlossaryInput) {
	f := frontend.NewForm()
	for _, k := range []string{"term", "abbreviations", "definition"} {
		f.Set(k, c.PostForm(k))
	}
	in := GlossaryInput{Term: c.PostForm("term"), Definition: c.PostForm("definition"),
		Abbreviations: strings.Split(c.PostForm("abbreviations"), ",")}
	return f, in
}

func (s *Topics) termNewForm(c *gin.Context) {
	s.web.Render(c, http.StatusOK, "glossary/form", s.web.T(c, "glossary.new.title"), termPage{Form: frontend.NewForm()})
}

func (s *Topics) termCreate(c *gin.Context) {
	f, in := termFormFrom(c)
	g, problems, err := s.CreateTerm(c.Request.Context(), web.ViewerOf(c), in)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	if len(problems) > 0 {
		s.web.Render(c, s.fail(c, f, problems), "glossary/form", s.web.T(c, "glossary.new.title"), termPage{Form: f})
		return
	}
	c.Redirect(http.StatusSeeOther, "/glossar/verwalten/"+g.Slug+"?gespeichert=1")
}

func (s *Topics) termEdit(c *gin.Context) {
	g := termOf(c)
	f := frontend.NewForm()
	f.Set("term", g.Term)
	f.Set("abbreviations", strings.Join(g.Abbreviations, ", "))
	f.Set("definition", g.Definition)
	s.web.Render(c, http.StatusOK, "glossary/form", s.web.T(c, "glossary.edit.title", "Term", g.Term),
		termPage{Term: &g, Form: f, Saved: c.Query("gespeichert") == "1"})
}

func (s *Topics) termSave(c *gin.Context) {
	g := termOf(c)
	f, in := termFormFrom(c)
	problems, err := s.UpdateTerm(c.Request.Context(), web.ViewerOf(c), g, in)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	if len(problems) > 0 {
		s.web.Render(c, s.fail(c, f, problems), "glossary/form", s.web.T(c, "glossary.edit.title", "Term", g.Term), termPage{Term: &g, Form: f})
		return
	}
	c.Redirect(http.StatusSeeOther, "/glossar/verwalten/"+g.Slug+"?gespeichert=1")
}

func (s *Topics) termDelete(c *gin.Context) {
	if err := s.DeleteTerm(c.Request.Context(), web.ViewerOf(c), termOf(c)); err != nil {
		s.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/glossar/verwalten?geloescht=1")
}
