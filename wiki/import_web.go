package wiki

import (
	"archive/zip"
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

type importForm struct {
	Space policies.Space
	Form  *frontend.Form
	MB    int64 // the largest zip the form takes
}

func (wk *Wiki) importForm(c *gin.Context) {
	wk.renderImport(c, http.StatusOK, frontend.NewForm())
}

func (wk *Wiki) renderImport(c *gin.Context, status int, form *frontend.Form) {
	space := policies.SpaceOf(c)
	wk.web.Render(c, status, "wiki/import", wk.web.T(c, "wiki.import.title", "Name", space.Name),
		importForm{Space: space, Form: form, MB: wk.deps.MaxUpload >> 20})
}

// importUpload fills the space from an uploaded export. The zip is read
// from the upload as it is (its size bounded like any attachment); what
// it unpacks into is bounded by the import's limits.
func (wk *Wiki) importUpload(c *gin.Context) {
	ctx, space, v := c.Request.Context(), policies.SpaceOf(c), web.ViewerOf(c)
	form := frontend.NewForm()
	fail := func(err error) {
		e, ok := errs.As(err)
		if !ok || e.Code == errs.Internal {
			wk.web.Fail(c, err)
			return
		}
		form.Fail("file", wk.web.Message(c, e))
		wk.renderImport(c, web.Status(e.Code), form)
	}
	if wk.spaces.Enforcer.Archived(space.ID) {
		fail(errs.E(errs.Conflict, "wiki.import.archived"))
		return
	}
	file, header, err := web.FormFile(c, "file", errs.E(errs.TooLarge, "wiki.import.zip_too_large", "MB", wk.deps.MaxUpload>>20),
		errs.E(errs.Invalid, "wiki.import.missing"))
	if err != nil {
		fail(err)
		return
	}
	defer file.Close()
	zr, err := zip.NewReader(file, header.Size)
	if err != nil {
		fail(errs.E(errs.Invalid, "wiki.import.not_zip"))
		return
	}
	sum, err := wk.ImportMarkdown(ctx, space, zr, ImportOptions{
		By:      v.ID,
		Owner:   wk.knownOwner(v.ID),
		Message: wk.web.T(c, "wiki.import.message"),
		Limits:  DefaultImportLimits(wk.deps.MaxUpload),
	})
	if err != nil {
		fail(err)
		return
	}
	target := "/bereiche/" + space.Slug + "?importiert=" + strconv.Itoa(sum.Pages)
	if n := sum.UnownedPages; n > 0 {
		target += "&unbekannt=" + strconv.Itoa(n)
	}
	c.Redirect(http.StatusSeeOther, target)
}

// knownOwner maps an owner's handle to an account the importer may know
// of, as the editor's owner field does.
func (wk *Wiki) knownOwner(importer int64) func(ctx context.Context, handle string) (int64, bool, error) {
	return func(ctx context.Context, handle string) (int64, bool, error) {
		id, err := wk.spaces.Store.KnownAccount(ctx, importer, handle)
		if errs.CodeOf(err) == errs.NotFound {
			return 0, false, nil
		}
		return id, err == nil, err
	}
}

// countParam is a count the address carries after an import; 0 (not
// shown) for anything else, so that a link cannot put words on the page.
func countParam(c *gin.Context, name string) int {
	n, err := strconv.Atoi(c.Query(name))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
