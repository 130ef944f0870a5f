package wiki

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
	"github.com/fachnetz/fachnetz/server/web"
)

// allowedTypes maps the file endings people may upload to the content type
// Fachnetz serves them with; the type a browser claims is never trusted.
var allowedTypes = map[string]string{
	".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".webp": "image/webp", ".txt": "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8",
	".md": "text/markdown; charset=utf-8", ".zip": "application/zip",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
	".odp": "application/vnd.oasis.opendocument.presentation",
}

// inlineImages are shown in pages; their content must really be that
// image, which sniffing checks. SVG is not among them: it can carry script.
var inlineImages = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// FileStore keeps attachment contents under a directory, one file per
// distinct content, named by its SHA-256.
type FileStore struct{ dir string }

// NewFileStore uses dir/attachments.
func NewFileStore(dataDir string) (*FileStore, error) {
	dir := filepath.Join(dataDir, "attachments")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("attachment directory: %w", err)
	}
	return &FileStore{dir: dir}, nil
}

func (fs *FileStore) path(sum []byte) string {
	h := hex.EncodeToString(sum)
	return filepath.Join(fs.dir, h[:2], h[2:])
}

// Put stores r, at most max bytes, and returns its hash, size and the
// first bytes for sniffing. Writing to a temporary file first means a
// broken upload never leaves a half file under a real name.
func (fs *FileStore) Put(r io.Reader, max int64) (sum []byte, size int64, head []byte, err error) {
	tmp, err := os.CreateTemp(fs.dir, "upload-*")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("store attachment: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	headBuf := &limitedBuffer{max: 512}
	size, err = io.Copy(io.MultiWriter(tmp, h, headBuf), io.LimitReader(r, max+1))
	if err != nil {
		return nil, 0, nil, fmt.Errorf("store attachment: %w", err)
	}
	if size > max {
		return nil, size, nil, errs.E(errs.TooLarge, "wiki.attachment.too_large", "MB", max>>20).OnField("file")
	}
	if err := tmp.Close(); err != nil {
		return nil, 0, nil, err
	}
	sum = h.Sum(nil)
	final := fs.path(sum)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return nil, 0, nil, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return nil, 0, nil, fmt.Errorf("store attachment: %w", err)
	}
	return sum, size, headBuf.buf, nil
}

type limitedBuffer struct {
	buf []byte
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// Open opens a stored content.
func (fs *FileStore) Open(sum []byte) (*os.File, error) { return os.Open(fs.path(sum)) }

// Remove deletes a content no attachment refers to any more.
func (fs *FileStore) Remove(sum []byte) error {
	err := os.Remove(fs.path(sum))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Attachments lists a page's files by name, each with its earlier
// versions.
func (st *Store) Attachments(ctx context.Context, pageID int64) ([]Attachment, error) {
	rows, _ := st.pool.Query(ctx, attachmentsSQL, pageID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Attachment])
	if err != nil {
		return nil, err
	}
	return list, st.addVersions(ctx, list)
}

// addVersions fills in the earlier versions of files.
func (st *Store) addVersions(ctx context.Context, list []Attachment) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	at := map[int64]int{}
	for i, a := range list {
		ids[i], at[a.ID] = a.ID, i
	}
	versions, err := st.VersionsOf(ctx, ids)
	for _, v := range versions {
		list[at[v.AttachmentID]].Versions = append(list[at[v.AttachmentID]].Versions, v)
	}
	return err
}

// Attachment loads one file's record.
func (st *Store) Attachment(ctx context.Context, id int64) (Attachment, error) {
	rows, _ := st.pool.Query(ctx, `SELECT id, page_id, filename, content_type, size, sha256, uploaded_by, created_at FROM attachments WHERE id = $1`, id)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Attachment])
	if errors.Is(err, pgx.ErrNoRows) {
		return a, errs.E(errs.NotFound, "error.not_found")
	}
	return a, err
}

// AddAttachment records a file on a page; a file of the same name is
// replaced and kept as an earlier version.
func (st *Store) AddAttachment(ctx context.Context, a Attachment, uploader int64) (Attachment, error) {
	err := postgres.WithTx(ctx, st.pool, func(tx pgx.Tx) (err error) {
		a, err = putAttachment(ctx, tx, a, uploader)
		return err
	})
	return a, err
}

// Attach stores an uploaded file on a page after checking its name, type
// and size.
func (wk *Wiki) Attach(ctx context.Context, p Page, filename string, r io.Reader, uploader int64) (Attachment, error) {
	f, err := wk.CheckFile(filename, r)
	if err != nil {
		return Attachment{}, err
	}
	return wk.store.AddAttachment(ctx, Attachment{PageID: p.ID, Filename: f.Filename, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256}, uploader)
}

// cleanFilename keeps the base name, without path or control characters.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == "/" {
		return ""
	}
	for utf8.RuneCountInString(name) > 200 {
		ext := filepath.Ext(name)
		name = string([]rune(strings.TrimSuffix(name, ext))[:190]) + ext
	}
	return name
}

// attachmentFile opens the file of an upload form, refusing it with the
// attachment's words when it is missing or over the limit.
func (wk *Wiki) attachmentFile(c *gin.Context) (multipart.File, *multipart.FileHeader, error) {
	return web.FormFile(c, "file", errs.E(errs.TooLarge, "wiki.attachment.too_large", "MB", wk.deps.MaxUpload>>20),
		errs.E(errs.Invalid, "wiki.attachment.missing"))
}

func (wk *Wiki) upload(c *gin.Context) {
	p := pageOf(c)
	file, header, err := wk.attachmentFile(c)
	if err == nil {
		defer file.Close()
		_, err = wk.Attach(c.Request.Context(), p, header.Filename, file, web.ViewerOf(c).ID)
	}
	if err != nil {
		if e, ok := errs.As(err); ok && e.Code != errs.Internal {
			wk.renderView(c, web.Status(e.Code), wk.web.Message(c, e))
			return
		}
		wk.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, PageURL(p.SpaceSlug, p.Slug)+"#anhaenge")
}

// deletable marks the files of a page the viewer may delete.
func (wk *Wiki) deletable(c *gin.Context, p Page, list []Attachment) []Attachment {
	v, perm := web.ViewerOf(c), wk.spaces.PermissionsIn(c.Request.Context(), policies.SubjectOf(c), p.SpaceID)
	for i, a := range list {
		list[i].CanDelete = perm.Moderate || (perm.Write && v != nil && a.UploadedBy != nil && *a.UploadedBy == v.ID)
	}
	return list
}

// deleteAttachment moves an attachment into the trash. Its uploader and
// the space's moderators may; other writers get 403.
func (wk *Wiki) deleteAttachment(c *gin.Context) {
	ctx, p, v := c.Request.Context(), pageOf(c), web.ViewerOf(c)
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	uploader, err := wk.store.AttachmentUploader(ctx, p.ID, id)
	if err == nil && uploader != v.ID && !wk.spaces.Enforcer.Can(ctx, policies.SubjectOf(c), policies.Moderate, p.SpaceID) {
		err = errs.E(errs.Forbidden, "trash.attachment_forbidden")
	}
	if err == nil {
		err = wk.store.TrashAttachment(ctx, wk.deps.Trash, p, id, v.ID)
	}
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, PageURL(p.SpaceSlug, p.Slug)+"#anhaenge")
}

// AttachmentURL is where a file is downloaded.
func AttachmentURL(a Attachment) string {
	return "/anhaenge/" + strconv.FormatInt(a.ID, 10) + "/" + url.PathEscape(a.Filename)
}

// download serves a file to whoever may read its page, and answers 404 to
// everyone else. Only safe image types are shown inline; everything else
// is a download, and nothing may run in the browser (CSP sandbox).
func (wk *Wiki) download(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		wk.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	a, err := wk.store.Attachment(ctx, id)
	var p Page
	if err == nil {
		p, err = wk.store.PageByID(ctx, a.PageID)
	}
	if err == nil {
		err = wk.spaces.Check(ctx, policies.SubjectOf(c), policies.Read, p.SpaceID)
	}
	if err != nil {
		wk.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	if v := c.Query("version"); v != "" {
		vid, _ := strconv.ParseInt(v, 10, 64)
		ver, err := wk.store.AttachmentVersion(ctx, a.ID, vid)
		if err != nil {
			wk.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
			return
		}
		a.ContentType, a.SHA256, a.CreatedAt = ver.ContentType, ver.SHA256, ver.CreatedAt
	}
	wk.ServeFile(c, a.SHA256, a.Filename, a.ContentType, a.CreatedAt, "private, no-cache")
}

// ServeFile answers a stored file's content. Only safe image types are
// shown inline; everything else is a download, and nothing may run in the
// browser (CSP sandbox).
func (wk *Wiki) ServeFile(c *gin.Context, sum []byte, filename, contentType string, modified time.Time, cache string) {
	f, err := wk.files.Open(sum)
	if err != nil {
		wk.web.Fail(c, fmt.Errorf("open file %s: %w", filename, err))
		return
	}
	defer f.Close()
	disposition := "attachment"
	if inlineImages[contentType] {
		disposition = "inline"
	}
	c.Header("Content-Type", contentType)
	c.Header("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": filename}))
	c.Header("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Header("Cache-Control", cache)
	http.ServeContent(c.Writer, c.Request, "", modified, f)
}

// URL is where the attachment is downloaded.
func (a Attachment) URL() string { return AttachmentURL(a) }
