package wiki

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// draftKey names the editor a draft belongs to: a page's, or the new-page
// editor of a space.
func draftKey(space policies.Space, page *Page) (key, path string) {
	if page != nil {
		return "wiki-page:" + strconv.FormatInt(page.ID, 10), PageURL(space.Slug, page.Slug) + "/bearbeiten"
	}
	return "wiki-new:" + strconv.FormatInt(space.ID, 10), "/bereiche/" + url.PathEscape(space.Slug) + "/neu"
}

// openDraft offers the person's draft above the editor, or fills the form
// with it when asked to restore it.
func (wk *Wiki) openDraft(c *gin.Context, ep *editPage) error {
	if wk.deps.Drafts == nil {
		return nil
	}
	key, path := draftKey(ep.Space, ep.Page)
	e, fields, err := wk.deps.Drafts.Open(c, key, path)
	if err != nil {
		return err
	}
	ep.Draft = e
	for name, v := range fields {
		if name == "base_revision" {
			ep.Base, _ = strconv.Atoi(v)
			continue
		}
		ep.Form.Set(name, v)
	}
	if _, ok := fields["template"]; e.Restored && !ok {
		ep.Form.Set("template", "")
	}
	return nil
}

// keepDraft keeps the text of a refused save as the person's draft, so
// that it outlives the one showing of the refusal. Without a title or text
// there is nothing to lose, and no draft to offer.
func (wk *Wiki) keepDraft(c *gin.Context, space policies.Space, page *Page, in input) {
	if wk.deps.Drafts == nil || in.Title == "" && strings.TrimSpace(in.Body) == "" {
		return
	}
	key, path := draftKey(space, page)
	if err := wk.deps.Drafts.Keep(c, key, path); err != nil {
		wk.log.Warn("keep refused text as draft", "request_id", web.RequestID(c), "err", err)
	}
}

// draftSaved ends the draft of an editor whose item was saved; the files
// held with a new page's draft become its attachments.
func (wk *Wiki) draftSaved(ctx context.Context, c *gin.Context, space policies.Space, edited *Page, created Page) {
	if wk.deps.Drafts == nil {
		return
	}
	viewer := web.ViewerOf(c).ID
	key, _ := draftKey(space, edited)
	if edited == nil {
		if id, err := wk.deps.Drafts.Held(ctx, viewer, key); err == nil {
			if err := wk.store.AttachDraftFiles(ctx, id, created.ID, viewer); err != nil {
				wk.log.Error("attach draft files", "request_id", web.RequestID(c), "err", err)
				return // the draft and its files stay, nothing is lost
			}
		}
	}
	if err := wk.deps.Drafts.Remove(ctx, viewer, key); err != nil {
		wk.log.Warn("remove draft", "request_id", web.RequestID(c), "err", err)
	}
}

// uploadInEditor stores a file pasted, dropped or chosen in the editor and
// answers with the Markdown to insert: on an existing page as an
// attachment, on a page not created yet held with the draft.
func (wk *Wiki) uploadInEditor(c *gin.Context) {
	ctx, space, viewer := c.Request.Context(), policies.SpaceOf(c), web.ViewerOf(c)
	file, header, err := wk.attachmentFile(c)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	defer file.Close()
	var name, href, ctype string
	if p := pageOf(c); p.ID != 0 {
		a, err := wk.Attach(ctx, p, header.Filename, file, viewer.ID)
		if err != nil {
			wk.web.Fail(c, err)
			return
		}
		name, href, ctype = a.Filename, AttachmentURL(a), a.ContentType
	} else {
		if wk.deps.Drafts == nil {
			wk.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
			return
		}
		f, err := wk.CheckFile(header.Filename, file)
		if err == nil {
			key, path := draftKey(space, nil)
			var draftID int64
			if draftID, err = wk.deps.Drafts.Hold(ctx, viewer.ID, key, path); err == nil {
				f, err = wk.store.AddDraftFile(ctx, draftID, f)
			}
		}
		if err != nil {
			wk.web.Fail(c, err)
			return
		}
		name, href, ctype = f.Filename, draftFileURL(f), f.ContentType
	}
	c.JSON(http.StatusCreated, gin.H{"name": name, "url": href, "image": inlineImages[ctype], "markdown": fileMarkdown(name, inlineImages[ctype])})
}

// CheckFile stores an upload's content after the checks every file gets,
// on a page or held with a draft: name, type, size and, for images, the
// content.
func (wk *Wiki) CheckFile(filename string, r io.Reader) (DraftFile, error) {
	name := cleanFilename(filename)
	if name == "" {
		return DraftFile{}, errs.E(errs.Invalid, "wiki.attachment.missing").OnField("file")
	}
	ctype, ok := allowedTypes[strings.ToLower(filepath.Ext(name))]
	if !ok {
		return DraftFile{}, errs.E(errs.Invalid, "wiki.attachment.type", "Name", name).OnField("file")
	}
	sum, size, head, err := wk.files.Put(r, wk.deps.MaxUpload)
	if err != nil {
		return DraftFile{}, err
	}
	if inlineImages[ctype] && http.DetectContentType(head) != ctype {
		return DraftFile{}, errs.E(errs.Invalid, "wiki.attachment.not_image", "Name", name).OnField("file")
	}
	return DraftFile{Filename: name, ContentType: ctype, Size: size, SHA256: sum}, nil
}

// fileMarkdown is how the editor refers to a file by name.
func fileMarkdown(name string, image bool) string {
	dest := name
	if strings.ContainsAny(name, " ()<>") {
		dest = "<" + strings.NewReplacer("<", "%3C", ">", "%3E").Replace(name) + ">"
	}
	label := strings.NewReplacer("[", "", "]", "").Replace(name)
	if image {
		label = strings.TrimSuffix(label, filepath.Ext(label))
		return "![" + label + "](" + dest + ")"
	}
	return "[" + label + "](" + dest + ")"
}

func draftFileURL(f DraftFile) string {
	return "/entwuerfe/dateien/" + strconv.FormatInt(f.ID, 10) + "/" + url.PathEscape(f.Filename)
}

// heldFile serves a file held with a draft to the draft's author only.
func (wk *Wiki) heldFile(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	f, err := wk.store.DraftFileOf(c.Request.Context(), id, web.ViewerOf(c).ID)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	wk.ServeFile(c, f.SHA256, f.Filename, f.ContentType, time.Time{}, "private, no-store")
}

// fileResolver maps file names written in a page ("ablauf.png") to the
// page's attachments, or, in the editor of a page not created yet, to the
// files held with the draft. It loads them only when the text names one.
func (wk *Wiki) fileResolver(ctx context.Context, c *gin.Context) func(string) (string, bool) {
	var files map[string]string
	return func(dest string) (string, bool) {
		if files == nil {
			files = wk.filesByName(ctx, c)
		}
		name := dest
		if u, err := url.PathUnescape(dest); err == nil {
			name = u
		}
		href, ok := files[strings.ToLower(strings.TrimPrefix(name, "./"))]
		return href, ok
	}
}

func (wk *Wiki) filesByName(ctx context.Context, c *gin.Context) map[string]string {
	files := map[string]string{}
	if p := pageOf(c); p.ID != 0 {
		list, err := wk.store.Attachments(ctx, p.ID)
		if err != nil {
			wk.log.Warn("attachments for links", "err", err)
		}
		for _, a := range list {
			files[strings.ToLower(a.Filename)] = AttachmentURL(a)
		}
		return files
	}
	v, space := web.ViewerOf(c), policies.SpaceOf(c)
	if v == nil || wk.deps.Drafts == nil || space.ID == 0 {
		return files
	}
	key, _ := draftKey(space, nil)
	id, err := wk.deps.Drafts.Held(ctx, v.ID, key)
	if err != nil {
		return files
	}
	list, err := wk.store.DraftFiles(ctx, id)
	if err != nil {
		wk.log.Warn("draft files for links", "err", err)
	}
	for _, f := range list {
		files[strings.ToLower(f.Filename)] = draftFileURL(f)
	}
	return files
}

// SweepDraftFiles removes files whose draft is gone (saved, discarded,
// purged, or its author erased), with their content when unused.
func (wk *Wiki) SweepDraftFiles(ctx context.Context) error {
	sums, err := wk.store.DeleteOrphanDraftFiles(ctx)
	for _, sum := range sums {
		if rerr := wk.files.Remove(sum); rerr != nil {
			wk.log.Warn("remove draft file content", "err", rerr)
		}
	}
	return err
}
