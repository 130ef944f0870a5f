package topics

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// The knowledge managers' pages for the topic tree. Each form posts to its
// own action and, when refused, comes back filled in with the problem at
// its field.

type manageRow struct {
	Topic
	Path string
}

// proposalCount counts the unsorted proposals the viewer may see.
func (s *Topics) proposalCount(c *gin.Context) (int, error) {
	all, err := s.Store.All(c.Request.Context())
	if err != nil {
		return 0, err
	}
	var unsorted []Topic
	for _, t := range all {
		if t.Unsorted {
			unsorted = append(unsorted, t)
		}
	}
	list, err := s.Visible(c.Request.Context(), web.ViewerOf(c), unsorted)
	return len(list), err
}

func (s *Topics) manage(c *gin.Context) {
	all, err := s.Store.All(c.Request.Context())
	if err == nil {
		all, err = s.Visible(c.Request.Context(), web.ViewerOf(c), all)
	}
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	var unsorted []Topic
	var sorted []Topic
	for _, t := range all {
		if t.Unsorted {
			unsorted = append(unsorted, t)
		} else {
			sorted = append(sorted, t)
		}
	}
	sortTopics(unsorted)
	var rows []manageRow
	for _, n := range flatten(buildTree(sorted)) {
		rows = append(rows, manageRow{Topic: n.Topic, Path: n.Path})
	}
	s.web.Render(c, http.StatusOK, "topics/manage", s.web.T(c, "topics.manage.title"), gin.H{
		"Unsorted": unsorted, "Rows": rows, "Deleted": c.Query("geloescht") == "1",
	})
}

// option is one choice of a topic select; Label is a topic's path, not a
// catalogue key.
type option struct{ Value, Label string }

// topicSelect is what the topic-select template renders.
type topicChoice struct {
	Field   frontend.Field
	Empty   string // catalogue key of the "no topic" choice, or ""
	Options []option
}

// topicOptions lists the sorted topics by path, leaving out skip and
// everything below it (a topic cannot move below itself).
func (s *Topics) topicOptions(c *gin.Context, skip int64, withUnsorted bool) ([]option, error) {
	all, err := s.Store.All(c.Request.Context())
	if err == nil {
		all, err = s.Visible(c.Request.Context(), web.ViewerOf(c), all)
	}
	if err != nil {
		return nil, err
	}
	var sorted, unsorted []Topic
	for _, t := range all {
		if t.Unsorted {
			unsorted = append(unsorted, t)
		} else {
			sorted = append(sorted, t)
		}
	}
	var out []option
	var walk func([]*Node)
	walk = func(level []*Node) {
		for _, n := range level {
			if n.ID == skip && skip != 0 {
				continue
			}
			out = append(out, option{Value: strconv.FormatInt(n.ID, 10), Label: n.Path})
			walk(n.Children)
		}
	}
	walk(buildTree(sorted))
	if withUnsorted {
		sortTopics(unsorted)
		for _, t := range unsorted {
			if t.ID != skip {
				out = append(out, option{Value: strconv.FormatInt(t.ID, 10), Label: t.Name + " (" + s.web.T(c, "topics.unsorted") + ")"})
			}
		}
	}
	return out, nil
}

func (s *Topics) fail(c *gin.Context, f *frontend.Form, problems []*errs.Error) int {
	status := web.Status(errs.Invalid)
	for _, p := range problems {
		f.Fail(p.Field, s.web.Message(c, p))
		if p.Code == errs.Conflict {
			status = web.Status(errs.Conflict)
		}
	}
	return status
}

// parseParent reads a parent field: "" is the top level.
func parseParent(v string) (*int64, *errs.Error) {
	if v == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, errs.E(errs.Invalid, "topics.parent_unknown").OnField("parent")
	}
	return &id, nil
}

// splitLines reads one entry per line (or separated by semicolons).
func splitLines(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' || r == ';' })
}

type newPage struct {
	Form    *frontend.Form
	Parents topicChoice
}

func (s *Topics) renderNew(c *gin.Context, status int, f *frontend.Form) {
	opts, err := s.topicOptions(c, 0, false)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	parent := f.Field("parent", "topics.parent", "", false).WithHint("topics.parent_hint")
	s.web.Render(c, status, "topics/new", s.web.T(c, "topics.new.title"), newPage{
		Form: f, Parents: topicChoice{Field: parent, Empty: "topics.top_level", Options: opts},
	})
}

func (s *Topics) newForm(c *gin.Context) {
	f := frontend.NewForm()
	f.Set("parent", c.Query("unter"))
	s.renderNew(c, http.StatusOK, f)
}

func (s *Topics) create(c *gin.Context) {
	f := postedForm(c, "name", "slug", "description", "parent", "synonyms")
	in := TopicInput{Name: c.PostForm("name"), Slug: c.PostForm("slug"), Description: c.PostForm("description"), Synonyms: splitLines(c.PostForm("synonyms"))}
	parent, p := parseParent(c.PostForm("parent"))
	if p != nil {
		s.renderNew(c, s.fail(c, f, []*errs.Error{p}), f)
		return
	}
	in.ParentID = parent
	t, problems, err := s.Create(c.Request.Context(), web.ViewerOf(c), in)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	if len(problems) > 0 {
		s.renderNew(c, s.fail(c, f, problems), f)
		return
	}
	c.Redirect(http.StatusSeeOther, "/themen/verwalten/"+t.Slug+"?gespeichert=1")
}

// editPage carries one form per action; a refused action brings its form
// back filled in, the others show the topic as it is.
type editPage struct {
	Topic    Topic
	Children int
	Saved    bool
	Form     *frontend.Form
	Move     *frontend.Form
	Parents  topicChoice
	Synonym  *frontend.Form
	Merge    *frontend.Form
	Targets  topicChoice
	Delete   *frontend.Form
}

func (s *Topics) renderEdit(c *gin.Context, status int, page editPage) {
	t := topicOf(c)
	children, err := s.Store.Children(c.Request.Context(), t.ID)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	parents, err := s.topicOptions(c, t.ID, false)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	targets, err := s.topicOptions(c, t.ID, true)
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	page.Topic, page.Children = t, len(children)
	if page.Form == nil {
		page.Form = frontend.NewForm()
		page.Form.Set("name", t.Name)
		page.Form.Set("description", t.Description)
	}
	if page.Move == nil {
		page.Move = frontend.NewForm()
		if t.ParentID != nil {
			page.Move.Set("parent", strconv.FormatInt(*t.ParentID, 10))
		}
	}
	if page.Synonym == nil {
		page.Synonym = frontend.NewForm()
	}
	if page.Merge == nil {
		page.Merge = frontend.NewForm()
	}
	if page.Delete == nil {
		page.Delete = frontend.NewForm()
	}
	page.Parents = topicChoice{Field: page.Move.Field("parent", "topics.parent", "", false), Empty: "topics.top_level", Options: parents}
	page.Targets = topicChoice{Field: page.Merge.Field("into", "topics.merge.into", "", true).WithHint("topics.merge.hint"), Options: targets}
	s.web.Render(c, status, "topics/edit", s.web.T(c, "topics.edit.title", "Name", t.Name), page)
}

func (s *Topics) edit(c *gin.Context) {
	s.renderEdit(c, http.StatusOK, editPage{Saved: c.Query("gespeichert") == "1"})
}

// postedForm is a form filled with the submitted values of keys.
func postedForm(c *gin.Context, keys ...string) *frontend.Form {
	f := frontend.NewForm()
	for _, k := range keys {
		f.Set(k, c.PostForm(k))
	}
	return f
}

// answer ends an action of the edit page: refused, the page comes back
// with form f in its place (put); done, the page shows at anchor.
func (s *Topics) answer(c *gin.Context, f *frontend.Form, put func(*editPage), anchor string, problems []*errs.Error, err error) {
	if err != nil || len(problems) > 0 {
		s.refused(c, err, problems, f, put)
		return
	}
	s.saved(c, anchor)
}

func (s *Topics) saved(c *gin.Context, anchor string) {
	c.Redirect(http.StatusSeeOther, "/themen/verwalten/"+topicOf(c).Slug+"?gespeichert=1"+anchor)
}

// refused shows the edit page with one form refilled and its problems, or
// the error page for problems no form can show.
func (s *Topics) refused(c *gin.Context, err error, problems []*errs.Error, f *frontend.Form, put func(*editPage)) {
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	page := editPage{}
	put(&page)
	s.renderEdit(c, s.fail(c, f, problems), page)
}

func (s *Topics) save(c *gin.Context) {
	f := postedForm(c, "name", "description")
	problems, err := s.Update(c.Request.Context(), web.ViewerOf(c), topicOf(c), TopicInput{Name: c.PostForm("name"), Description: c.PostForm("description")})
	s.answer(c, f, func(p *editPage) { p.Form = f }, "", problems, err)
}

func (s *Topics) move(c *gin.Context) {
	f := postedForm(c, "parent")
	parent, p := parseParent(c.PostForm("parent"))
	var problems []*errs.Error
	var err error
	if p != nil {
		problems = []*errs.Error{p}
	} else {
		problems, err = s.Move(c.Request.Context(), web.ViewerOf(c), topicOf(c), parent)
	}
	s.answer(c, f, func(p *editPage) { p.Move = f }, "#einordnen", problems, err)
}

func (s *Topics) addSynonym(c *gin.Context) {
	f := postedForm(c, "synonym")
	problems, err := s.AddSynonym(c.Request.Context(), web.ViewerOf(c), topicOf(c), c.PostForm("synonym"))
	s.answer(c, f, func(p *editPage) { p.Synonym = f }, "#synonyme", problems, err)
}

func (s *Topics) removeSynonym(c *gin.Context) {
	if err := s.RemoveSynonym(c.Request.Context(), web.ViewerOf(c), topicOf(c), c.PostForm("synonym")); err != nil {
		s.web.Fail(c, err)
		return
	}
	s.saved(c, "#synonyme")
}

func (s *Topics) merge(c *gin.Context) {
	f := postedForm(c, "into")
	var problems []*errs.Error
	var err error
	id, perr := strconv.ParseInt(c.PostForm("into"), 10, 64)
	var into Topic
	if perr == nil {
		if into, err = s.Store.ByID(c.Request.Context(), id); err == nil {
			// A proposal the knowledge manager may not see is no target.
			into, err = s.visibleOne(c.Request.Context(), web.ViewerOf(c), into)
		}
	}
	switch {
	case c.PostForm("into") == "":
		problems, err = []*errs.Error{errs.E(errs.Invalid, "form.required").OnField("into")}, nil
	case perr != nil || errs.Is(err, errs.NotFound):
		problems, err = []*errs.Error{errs.E(errs.Invalid, "topics.merge_target_unknown").OnField("into")}, nil
	case err == nil:
		problems, err = s.Merge(c.Request.Context(), web.ViewerOf(c), topicOf(c), into)
	}
	if err != nil || len(problems) > 0 {
		s.refused(c, err, problems, f, func(p *editPage) { p.Merge = f })
		return
	}
	c.Redirect(http.StatusSeeOther, "/themen/verwalten/"+into.Slug+"?gespeichert=1")
}

func (s *Topics) remove(c *gin.Context) {
	err := s.Delete(c.Request.Context(), web.ViewerOf(c), topicOf(c))
	if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
		f := frontend.NewForm()
		s.refused(c, nil, []*errs.Error{e.OnField("delete")}, f, func(p *editPage) { p.Delete = f })
		return
	}
	if err != nil {
		s.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/themen/verwalten?geloescht=1")
}
