package wiki

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/drafts"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/web"
)

// maxBody bounds a page's text in bytes, wherever it comes from: the
// editor, its preview, an imported file.
const maxBody = 500000

// ReviewIntervals are the review intervals offered, in days; 0 is never.
var ReviewIntervals = []int{90, 180, 365, 730, 0}

// editPage is what the editor shows: a new page, an edit, or a conflict.
type editPage struct {
	Space     policies.Space
	Page      *Page // nil for a new page
	Form      *frontend.Form
	Base      int
	Parents   []Node
	Templates []Node
	Intervals []int
	Preview   any
	Warnings  []markdown.Warning
	Merge     *mergeConflict // the parts that overlap with what was saved meanwhile
	Question  *Promotion     // the question being taken into the wiki
	Draft     drafts.Editor
}

// input is the editor's form as submitted.
type input struct {
	Title, Body, Message, Topics, Owner string
	ParentID                            *int64
	Interval                            int
	Due                                 string // next review date, YYYY-MM-DD; empty: one interval from today
	Template                            bool
	Base                                int
	BaseMeta                            string // the other fields as the editor showed them, for a merge
	Question                            int64  // the question taken into the wiki
}

func readInput(c *gin.Context) input {
	in := input{
		Title: strings.TrimSpace(c.PostForm("title")), Body: strings.ReplaceAll(c.PostForm("body"), "\r\n", "\n"),
		Message: strings.TrimSpace(c.PostForm("message")), Topics: c.PostForm("topics"), Owner: strings.TrimSpace(c.PostForm("owner")),
		Template: c.PostForm("template") == "1", Due: strings.TrimSpace(c.PostForm("review_due")), BaseMeta: c.PostForm("base_meta"),
	}
	in.Question, _ = strconv.ParseInt(c.PostForm("question"), 10, 64)
	in.Base, _ = strconv.Atoi(c.PostForm("base_revision"))
	in.Interval, _ = strconv.Atoi(c.PostForm("review_interval"))
	if id, err := strconv.ParseInt(c.PostForm("parent"), 10, 64); err == nil && id > 0 {
		in.ParentID = &id
	}
	return in
}

func (in input) form() *frontend.Form {
	f := frontend.NewForm()
	f.Set("title", in.Title)
	f.Set("body", in.Body)
	f.Set("message", in.Message)
	f.Set("topics", in.Topics)
	f.Set("owner", in.Owner)
	f.Set("review_interval", strconv.Itoa(in.Interval))
	f.Set("review_due", in.Due)
	f.Set("base_meta", in.BaseMeta)
	if in.Question != 0 {
		f.Set("question", strconv.FormatInt(in.Question, 10))
	}
	if in.ParentID != nil {
		f.Set("parent", strconv.FormatInt(*in.ParentID, 10))
	}
	if in.Template {
		f.Set("template", "1")
	}
	return f
}

// draft validates the input and turns it into what the store saves. self
// is the page being edited (0 for a new one).
func (wk *Wiki) draft(ctx context.Context, c *gin.Context, space policies.Space, in input, self int64) (Draft, []*errs.Error, error) {
	d, problems, err := wk.validate(ctx, c, space, in, self)
	if err != nil || len(problems) > 0 {
		return d, problems, err
	}
	if wk.deps.ResolveTopics != nil {
		var names []string
		for _, n := range strings.Split(in.Topics, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
		ids, err := wk.deps.ResolveTopics(ctx, names, web.ViewerOf(c).ID)
		if err != nil {
			if e, ok := errs.As(err); ok && e.Code != errs.Internal {
				return d, []*errs.Error{e.OnField("topics")}, nil
			}
			return d, nil, err
		}
		d.TopicIDs = ids
	}
	return d, nil, nil
}

// validate checks the input, all but its topics, which draft resolves.
func (wk *Wiki) validate(ctx context.Context, c *gin.Context, space policies.Space, in input, self int64) (Draft, []*errs.Error, error) {
	var problems []*errs.Error
	if e := errs.Length("title", in.Title, 200); e != nil {
		problems = append(problems, e)
	}
	if len(in.Body) > maxBody {
		problems = append(problems, errs.E(errs.Invalid, "form.too_long", "Max", maxBody).OnField("body"))
	}
	if utf8.RuneCountInString(in.Message) > 500 {
		problems = append(problems, errs.E(errs.Invalid, "form.too_long", "Max", 500).OnField("message"))
	}
	valid := false
	for _, d := range ReviewIntervals {
		valid = valid || d == in.Interval
	}
	if !valid {
		problems = append(problems, errs.E(errs.Invalid, "wiki.review_interval_invalid").OnField("review_interval"))
	}
	due, ok := reviewDue(in.Due, in.Interval, time.Now())
	if !ok {
		problems = append(problems, errs.E(errs.Invalid, "wiki.review_due_invalid").OnField("review_due"))
	}
	d := Draft{Title: in.Title, Body: in.Body, Message: in.Message, ParentID: in.ParentID, ReviewIntervalDays: in.Interval,
		ReviewDue: due, IsTemplate: in.Template, Links: LinkKeys(space.Slug, in.Body)}
	if in.ParentID != nil {
		parent, err := wk.store.PageByID(ctx, *in.ParentID)
		switch {
		case err != nil || parent.SpaceID != space.ID:
			problems = append(problems, errs.E(errs.Invalid, "wiki.parent_invalid").OnField("parent"))
		case self != 0:
			if below, err := wk.store.IsBelow(ctx, parent.ID, self); err != nil {
				return d, nil, err
			} else if below {
				problems = append(problems, errs.E(errs.Invalid, "wiki.move_cycle").OnField("parent"))
			}
		}
	}
	viewer := web.ViewerOf(c)
	d.OwnerID = &viewer.ID
	if in.Owner != "" {
		id, err := wk.ownerID(ctx, viewer.ID, strings.TrimPrefix(in.Owner, "@"), self)
		switch {
		case errs.CodeOf(err) == errs.NotFound:
			problems = append(problems, errs.E(errs.Invalid, "wiki.owner_unknown", "Handle", in.Owner).OnField("owner"))
		case err != nil:
			return d, nil, err
		}
		d.OwnerID = &id
	}
	return d, problems, nil
}

func (wk *Wiki) renderEditor(c *gin.Context, status int, ep editPage) {
	ctx := c.Request.Context()
	var err error
	if ep.Parents, err = wk.store.Tree(ctx, ep.Space.ID); err == nil && ep.Page == nil {
		ep.Templates, err = wk.store.Templates(ctx, ep.Space.ID)
	}
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	ep.Intervals = ReviewIntervals
	if err := wk.openDraft(c, &ep); err != nil {
		wk.web.Fail(c, err)
		return
	}
	// Rendering also finds what to warn about (images without alt text),
	// which the editor shows whenever there is text.
	if body := ep.Form.Values["body"]; body != "" {
		res, err := wk.render(ctx, c, ep.Space.Slug, body, "vorschau-")
		if err != nil {
			wk.web.Fail(c, err)
			return
		}
		ep.Warnings = res.Warnings
		if c.PostForm("action") == "preview" {
			ep.Preview = res.HTML
		}
	}
	title := wk.web.T(c, "wiki.new.title")
	if ep.Page != nil {
		title = wk.web.T(c, "wiki.edit.title", "Title", ep.Page.Title)
	}
	wk.web.Render(c, status, "wiki/edit", title, ep)
}

func (wk *Wiki) newForm(c *gin.Context) {
	space := policies.SpaceOf(c)
	if q := questionParam(c); q != 0 {
		wk.promoteForm(c, q)
		return
	}
	in := input{Title: strings.TrimSpace(c.Query("titel")), Interval: 365}
	if id, err := strconv.ParseInt(c.Query("eltern"), 10, 64); err == nil {
		in.ParentID = &id
	}
	if slug := c.Query("vorlage"); slug != "" {
		if t, err := wk.store.PageBySlug(c.Request.Context(), space.ID, slug); err == nil && t.IsTemplate {
			in.Body, in.Interval = t.Body, t.ReviewIntervalDays
		}
	}
	wk.renderEditor(c, http.StatusOK, editPage{Space: space, Form: in.form()})
}

func (wk *Wiki) create(c *gin.Context) {
	ctx, space, in := c.Request.Context(), policies.SpaceOf(c), readInput(c)
	form := in.form()
	if c.PostForm("action") == "preview" {
		wk.renderEditor(c, http.StatusOK, editPage{Space: space, Form: form})
		return
	}
	d, problems, err := wk.draft(ctx, c, space, in, 0)
	if err == nil && len(problems) == 0 {
		var p Page
		if in.Question != 0 {
			p, err = wk.createPromoted(c, space, in, d)
		} else {
			p, err = wk.CreatePage(ctx, space, d, web.ViewerOf(c).ID)
		}
		if err == nil {
			wk.draftSaved(ctx, c, space, nil, p)
			c.Redirect(http.StatusSeeOther, PageURL(space.Slug, p.Slug))
			return
		}
		if e, ok := errs.As(err); ok && e.Field != "" {
			problems, err = []*errs.Error{e}, nil
		}
	}
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	wk.failForm(c, form, problems)
	wk.keepDraft(c, space, nil, in)
	wk.renderEditor(c, statusOf(problems), editPage{Space: space, Form: form})
}

// CreatePage gives the page a free slug derived from its title.
func (wk *Wiki) CreatePage(ctx context.Context, space policies.Space, d Draft, author int64) (Page, error) {
	base := web.Slugify(d.Title, 90)
	if base == "" {
		base = "seite"
	}
	slug := base
	for i := 2; ; i++ {
		free, err := wk.store.SlugFree(ctx, space.ID, slug)
		if err != nil {
			return Page{}, err
		}
		if free {
			break
		}
		slug = fmt.Sprintf("%s-%d", base, i)
	}
	return wk.store.create(ctx, space.ID, slug, d, author, wk.written(notify.KindPageCreated, author))
}

func (wk *Wiki) failForm(c *gin.Context, form *frontend.Form, problems []*errs.Error) {
	for _, p := range problems {
		form.Fail(p.Field, wk.web.Message(c, p))
	}
}

// ownerID finds the account a page is to belong to: an active one the
// editor may know of (a person of another agency who shares no space with
// them is unknown), or the page's present owner even when disabled since,
// so that editing a page does not require finding it a new owner first.
func (wk *Wiki) ownerID(ctx context.Context, editor int64, handle string, page int64) (int64, error) {
	id, err := wk.spaces.Store.KnownAccount(ctx, editor, handle)
	if err == nil || page == 0 {
		return id, err
	}
	if errs.CodeOf(err) != errs.NotFound {
		return 0, err
	}
	p, perr := wk.store.PageByID(ctx, page)
	if perr != nil || p.OwnerID == nil {
		return 0, cmp.Or(perr, err)
	}
	current, herr := wk.store.HandleOf(ctx, *p.OwnerID)
	if herr != nil {
		return 0, herr
	}
	if !strings.EqualFold(current, handle) {
		return 0, err
	}
	return *p.OwnerID, nil
}

func statusOf(problems []*errs.Error) int {
	if len(problems) > 0 {
		return web.Status(problems[0].Code)
	}
	return web.Status(errs.Invalid)
}

func (wk *Wiki) editForm(c *gin.Context) {
	space, p := policies.SpaceOf(c), pageOf(c)
	in, err := wk.inputOf(c.Request.Context(), p)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	in.BaseMeta = in.meta().Encode()
	wk.renderEditor(c, http.StatusOK, editPage{Space: space, Page: &p, Form: in.form(), Base: p.Revision})
}

// inputOf is a page as the editor shows it: what a change starts from.
func (wk *Wiki) inputOf(ctx context.Context, p Page) (input, error) {
	topics, err := wk.store.Topics(ctx, p.ID)
	if err != nil {
		return input{}, err
	}
	names := make([]string, len(topics))
	for i, t := range topics {
		names[i] = t.Name
	}
	owner := ""
	if p.OwnerID != nil {
		if owner, err = wk.store.HandleOf(ctx, *p.OwnerID); err != nil {
			return input{}, err
		}
	}
	in := input{Title: p.Title, Body: p.Body, Topics: strings.Join(names, ", "), Owner: owner,
		ParentID: p.ParentID, Interval: p.ReviewIntervalDays, Template: p.IsTemplate}
	if p.DueOn != nil {
		in.Due = p.DueOn.Format(time.DateOnly)
	}
	return in, nil
}

// save stores an edit. When someone else saved since the editor was
// opened, the two edits are merged; only parts both changed come back,
// with both versions side by side and both in the form.
func (wk *Wiki) save(c *gin.Context) {
	space, p, in := policies.SpaceOf(c), pageOf(c), readInput(c)
	form := in.form()
	if c.PostForm("action") == "preview" {
		wk.renderEditor(c, http.StatusOK, editPage{Space: space, Page: &p, Form: form, Base: in.Base})
		return
	}
	res, problems, err := wk.saveEdit(c, space, p, in)
	switch {
	case err != nil:
		wk.web.Fail(c, err)
	case res.Conflict != nil:
		cur := res.Conflict.Current
		form = res.Conflict.Input.form()
		form.Fail("body", wk.web.T(c, "wiki.merge.field_error", "N", len(res.Conflict.Conflicts)))
		wk.renderEditor(c, web.Status(errs.Conflict), editPage{Space: space, Page: &cur, Form: form, Base: cur.Revision, Merge: res.Conflict})
	case len(problems) > 0:
		wk.failForm(c, form, problems)
		wk.keepDraft(c, space, &p, in)
		wk.renderEditor(c, statusOf(problems), editPage{Space: space, Page: &p, Form: form, Base: in.Base})
	default:
		wk.draftSaved(c.Request.Context(), c, space, &p, res.Page)
		c.Redirect(http.StatusSeeOther, PageURL(res.Page.SpaceSlug, res.Page.Slug)+res.note())
	}
}
