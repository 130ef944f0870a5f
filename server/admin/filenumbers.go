package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/filenumbers"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/web"
)

// maxSample bounds the sample text of "Ausprobieren".
const maxSample = 2000

// fileNumbersPage is an agency's file-number patterns with the form for
// a new one, or (Pattern set) the form of one pattern.
type fileNumbersPage struct {
	Agency   auth.Agency
	Patterns []filenumbers.Pattern
	Pattern  *filenumbers.Pattern // the pattern edited, nil on the list
	Form     *frontend.Form
	Action   string // where the form is sent
	Tried    bool   // the sample was tried: Found holds what it links
	Found    []markdown.FileNumber
	Notice   string // catalogue key of a confirmation, "" for none
}

func fileNumbersURL(agency string) string {
	return "/verwaltung/behoerden/" + url.PathEscape(agency) + "/aktenzeichen"
}

// fileNumbersOf loads the agency of the address and, when it names
// one, the pattern; both must exist.
func (a *Admin) fileNumbersOf(c *gin.Context, page *fileNumbersPage) error {
	ctx := c.Request.Context()
	agency, err := a.accounts.AgencyBySlug(ctx, c.Param("agency"))
	if err != nil {
		return err
	}
	page.Agency = agency
	if p := c.Param("pattern"); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return errs.E(errs.NotFound, "error.not_found")
		}
		pat, err := a.files.Store().Get(ctx, agency.ID, id)
		if err != nil {
			return err
		}
		page.Pattern = &pat
		page.Action = fileNumbersURL(agency.Slug) + "/" + strconv.FormatInt(id, 10)
		return nil
	}
	page.Action = fileNumbersURL(agency.Slug)
	page.Patterns, err = a.files.Store().List(ctx, agency.ID)
	return err
}

func (a *Admin) renderFileNumbers(c *gin.Context, status int, page fileNumbersPage) {
	if err := a.fileNumbersOf(c, &page); err != nil {
		a.web.Fail(c, err)
		return
	}
	if page.Form == nil {
		page.Form = frontend.NewForm()
		if p := page.Pattern; p != nil {
			page.Form.Set("label", p.Label)
			page.Form.Set("pattern", p.Pattern)
			page.Form.Set("url", p.URLTemplate)
		}
	}
	if page.Pattern != nil {
		a.web.Render(c, status, "admin/filenumber", a.web.T(c, "admin.filenumbers.edit_title", "Label", page.Pattern.Label), page)
		return
	}
	a.web.Render(c, status, "admin/filenumbers", a.web.T(c, "admin.filenumbers.title", "Name", page.Agency.Name), page)
}

func (a *Admin) listFileNumbers(c *gin.Context) {
	page := fileNumbersPage{}
	switch c.Query("erledigt") {
	case "angelegt":
		page.Notice = "admin.filenumbers.created"
	case "geloescht":
		page.Notice = "admin.filenumbers.deleted"
	}
	a.renderFileNumbers(c, http.StatusOK, page)
}

func (a *Admin) showFileNumber(c *gin.Context) {
	page := fileNumbersPage{}
	if c.Query("erledigt") == "gespeichert" {
		page.Notice = "admin.filenumbers.saved"
	}
	a.renderFileNumbers(c, http.StatusOK, page)
}

// fileNumberForm reads and checks the form; "Ausprobieren" also finds
// the file numbers of the sample text with the pattern typed.
func (a *Admin) fileNumberForm(c *gin.Context) (filenumbers.Input, fileNumbersPage) {
	in := filenumbers.Input{
		Label:       strings.TrimSpace(c.PostForm("label")),
		Pattern:     strings.TrimSpace(c.PostForm("pattern")),
		URLTemplate: strings.TrimSpace(c.PostForm("url")),
	}
	form := frontend.NewForm()
	form.Set("label", in.Label)
	form.Set("pattern", in.Pattern)
	form.Set("url", in.URLTemplate)
	sample := strings.ReplaceAll(c.PostForm("sample"), "\r\n", "\n")
	form.Set("sample", sample)
	re, problems := filenumbers.Check(in)
	for _, p := range problems {
		form.Fail(p.Field, a.web.Message(c, p))
	}
	page := fileNumbersPage{Form: form}
	if c.PostForm("action") != "try" {
		return in, page
	}
	if len([]rune(sample)) > maxSample {
		form.Fail("sample", a.web.T(c, "form.too_long", "Max", maxSample))
	}
	if !form.Failed() {
		set := &markdown.FileNumbers{Patterns: []markdown.FileNumberPattern{{Label: in.Label, Expr: re, URL: in.URLTemplate}}}
		page.Tried, page.Found = true, set.Find(sample)
	}
	return in, page
}

// fileNumberSubmitted reads a pattern's form and answers it when it has
// errors or only asked to try the pattern; ok is false then. render shows
// the form again, for the store's refusal.
func (a *Admin) fileNumberSubmitted(c *gin.Context) (in filenumbers.Input, form *frontend.Form, render func(status int), ok bool) {
	in, page := a.fileNumberForm(c)
	render = func(status int) { a.renderFileNumbers(c, status, page) }
	switch {
	case page.Form.Failed():
		render(web.Status(errs.Invalid))
	case page.Tried:
		render(http.StatusOK)
	default:
		return in, page.Form, render, true
	}
	return in, page.Form, render, false
}

func (a *Admin) createFileNumber(c *gin.Context) {
	in, form, render, ok := a.fileNumberSubmitted(c)
	if !ok {
		return
	}
	agency, err := a.accounts.AgencyBySlug(c.Request.Context(), c.Param("agency"))
	if err != nil {
		a.web.Fail(c, err)
		return
	}
	if _, err := a.files.Create(c.Request.Context(), agency.ID, in); err != nil {
		a.fail(c, form, "pattern", err, render)
		return
	}
	c.Redirect(http.StatusSeeOther, fileNumbersURL(agency.Slug)+"?erledigt=angelegt")
}

func (a *Admin) updateFileNumber(c *gin.Context) {
	in, form, render, ok := a.fileNumberSubmitted(c)
	if !ok {
		return
	}
	var current fileNumbersPage
	if err := a.fileNumbersOf(c, &current); err != nil {
		a.web.Fail(c, err)
		return
	}
	if err := a.files.Update(c.Request.Context(), current.Agency.ID, current.Pattern.ID, in); err != nil {
		a.fail(c, form, "pattern", err, render)
		return
	}
	c.Redirect(http.StatusSeeOther, current.Action+"?erledigt=gespeichert")
}

func (a *Admin) deleteFileNumber(c *gin.Context) {
	var current fileNumbersPage
	if err := a.fileNumbersOf(c, &current); err != nil {
		a.web.Fail(c, err)
		return
	}
	if err := a.files.Delete(c.Request.Context(), current.Agency.ID, current.Pattern.ID); err != nil {
		a.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fileNumbersURL(current.Agency.Slug)+"?erledigt=geloescht")
}
