package wiki

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/markdown"
)

// A space export is a zip of Markdown files that follows the page tree:
//
//	bauantrag.md                  the page "bauantrag"
//	bauantrag/fristen.md          its subpage
//	bauantrag/_anhaenge/plan.pdf  a file of "bauantrag" (its current version)
//
// Each file starts with YAML front matter (frontMatter). Wiki links to
// pages of the space become relative links to their files, links to the
// page's files relative links to them; links into other spaces stay wiki
// links. The import reads the same layout back (import_markdown.go).
const filesFolder = "_anhaenge"

// frontMatter is what a page file says about its page besides the text.
// The owner is named by handle only: the import maps it back to the
// account, and nothing more about the person is needed for that.
type frontMatter struct {
	Title              string   `yaml:"title"`
	Slug               string   `yaml:"slug"`
	Topics             []string `yaml:"topics,omitempty"`
	Owner              string   `yaml:"owner,omitempty"`
	ReviewIntervalDays int      `yaml:"review_interval_days"`
	ReviewDue          string   `yaml:"review_due,omitempty"`
	Template           bool     `yaml:"template,omitempty"`
}

// ExportFile is one entry of an export: a page's text or a stored file.
type ExportFile struct {
	Path     string
	Data     []byte // a page file
	Sum      []byte // an attachment, by its stored content
	Modified time.Time
}

// pagePaths places each page in the export: slug.md beside its siblings,
// its subpages in the folder slug/ beside it.
func pagePaths(pages []Page) map[int64]string {
	byID := make(map[int64]Page, len(pages))
	for _, p := range pages {
		byID[p.ID] = p
	}
	paths := make(map[int64]string, len(pages))
	var pathOf func(id int64, depth int) string
	pathOf = func(id int64, depth int) string {
		if s, ok := paths[id]; ok {
			return s
		}
		p, dir := byID[id], ""
		if p.ParentID != nil && depth < 200 {
			if _, ok := byID[*p.ParentID]; ok {
				dir = folderOf(pathOf(*p.ParentID, depth+1)) + "/"
			}
		}
		paths[id] = dir + p.Slug + ".md"
		return paths[id]
	}
	for _, p := range pages {
		pathOf(p.ID, 0)
	}
	return paths
}

// folderOf is the folder of a page's subpages and files.
func folderOf(pagePath string) string { return strings.TrimSuffix(pagePath, ".md") }

// attachmentPath is where a page's file lies in the export.
func attachmentPath(pagePath, filename string) string {
	return folderOf(pagePath) + "/" + filesFolder + "/" + filename
}

// relPath is the relative link from the file at from to the file at to.
func relPath(from, to string) string {
	var fd []string
	if d := path.Dir(from); d != "." {
		fd = strings.Split(d, "/")
	}
	td := strings.Split(to, "/")
	i := 0
	for i < len(fd) && i < len(td)-1 && fd[i] == td[i] {
		i++
	}
	return strings.Repeat("../", len(fd)-i) + strings.Join(td[i:], "/")
}

// localDest is a relative destination as a path, or false for addresses
// with a scheme, absolute paths, queries and fragments (see resolveURL).
func localDest(dest string) (string, bool) {
	if dest == "" || strings.ContainsAny(dest[:1], "/#?\\") {
		return "", false
	}
	if u, err := url.Parse(dest); err != nil || u.Scheme != "" || u.Host != "" {
		return "", false
	}
	if u, err := url.PathUnescape(dest); err == nil {
		dest = u
	}
	return dest, true
}

// exportSpace answers the whole space as a zip to whoever may read it.
func (wk *Wiki) exportSpace(c *gin.Context) {
	space := policies.SpaceOf(c)
	files, err := wk.ExportFiles(c.Request.Context(), space, wk.readCache(c.Request.Context(), c).can)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": space.Slug + ".zip"}))
	c.Header("Cache-Control", "private, no-store")
	c.Status(http.StatusOK)
	if err := wk.WriteZip(c.Writer, files); err != nil {
		// The answer has begun: a broken download is all that is left.
		wk.log.Error("space export", "space", space.Slug, "err", err)
	}
}

// ExportFiles lists the files of a space's export in path order; canRead
// tells the spaces whose pages links elsewhere may name by their present
// names (see exportBody).
func (wk *Wiki) ExportFiles(ctx context.Context, space policies.Space, canRead func(int64) bool) ([]ExportFile, error) {
	pages, err := wk.store.SpacePages(ctx, space.ID)
	if err != nil {
		return nil, err
	}
	paths := pagePaths(pages)
	handles := map[int64]string{}
	var out []ExportFile
	for _, p := range pages {
		files, err := wk.store.Attachments(ctx, p.ID)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", p.Slug, err)
		}
		body, err := wk.exportText(ctx, canRead, p, paths, files)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", p.Slug, err)
		}
		fm := frontMatter{Title: p.Title, Slug: p.Slug, ReviewIntervalDays: p.ReviewIntervalDays, Template: p.IsTemplate}
		if p.DueOn != nil {
			fm.ReviewDue = p.DueOn.Format(time.DateOnly)
		}
		topics, err := wk.store.Topics(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		for _, t := range topics {
			fm.Topics = append(fm.Topics, t.Name)
		}
		if p.OwnerID != nil {
			h, ok := handles[*p.OwnerID]
			if !ok {
				if h, err = wk.store.HandleOf(ctx, *p.OwnerID); err != nil {
					return nil, err
				}
				handles[*p.OwnerID] = h
			}
			fm.Owner = h
		}
		data, err := pageFile(fm, body)
		if err != nil {
			return nil, err
		}
		out = append(out, ExportFile{Path: paths[p.ID], Data: data, Modified: p.UpdatedAt})
		for _, a := range files {
			out = append(out, ExportFile{Path: attachmentPath(paths[p.ID], a.Filename), Sum: a.SHA256, Modified: a.CreatedAt})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// pageFile is a page's file: front matter, then the text as it is.
func pageFile(fm frontMatter, body string) ([]byte, error) {
	head, err := yaml.Marshal(fm)
	if err != nil {
		return nil, fmt.Errorf("front matter: %w", err)
	}
	return []byte("---\n" + string(head) + "---\n" + body), nil
}

// exportText is a page's text with its links turned into relative paths
// within the export.
func (wk *Wiki) exportText(ctx context.Context, canRead func(int64) bool, p Page, paths map[int64]string, files []Attachment) (string, error) {
	refs := markdown.Refs(p.Body)
	if len(refs) == 0 {
		return p.Body, nil
	}
	stored, err := wk.store.LinkTargets(ctx, p.ID)
	if err != nil {
		return "", err
	}
	byName := make(map[string]Attachment, len(files))
	for _, a := range files {
		byName[strings.ToLower(a.Filename)] = a
	}
	self := paths[p.ID]
	var edits []markdown.Edit
	for _, r := range refs {
		if r.Wiki {
			if text, ok := exportWikiLink(r, p, stored, paths, canRead); ok {
				edits = append(edits, markdown.Edit{Start: r.Start, Stop: r.Stop, Text: text})
			}
			continue
		}
		name, ok := localDest(r.URL)
		if !ok {
			continue
		}
		if a, ok := byName[strings.ToLower(strings.TrimPrefix(name, "./"))]; ok {
			edits = append(edits, markdown.Edit{Start: r.DestStart, Stop: r.DestStop,
				Text: markdown.Destination(relPath(self, attachmentPath(self, a.Filename)))})
		}
	}
	return markdown.Replace(p.Body, edits), nil
}

// exportWikiLink is what a wiki link becomes: a relative link to the file
// of a page of the space, or, for a page elsewhere that was renamed or
// moved, a wiki link with its present name (as exportBody writes it).
func exportWikiLink(r markdown.Ref, p Page, stored map[LinkKey]PageRef, paths map[int64]string, canRead func(int64) bool) (string, bool) {
	space := r.Space
	if space == "" {
		space = p.SpaceSlug
	}
	t, ok := stored[LinkKey{Space: space, Key: strings.ToLower(r.Title)}]
	if !ok {
		return "", false
	}
	if target, here := paths[t.ID]; here && t.SpaceID == p.SpaceID {
		return "[" + r.Label + "](" + markdown.Destination(relPath(paths[p.ID], target)) + ")", true
	}
	if !canRead(t.SpaceID) || (t.SpaceSlug == space && (strings.EqualFold(t.Title, r.Title) || strings.EqualFold(t.Slug, r.Title))) {
		return "", false
	}
	name := t.Title
	if strings.ContainsAny(name, "[]|\n\r") {
		name = t.Slug
	}
	text := "[[" + t.SpaceSlug + ":" + name
	if r.Label != r.Title {
		text += "|" + r.Label
	}
	return text + "]]", true
}

// WriteZip writes the files of an export as a zip.
func (wk *Wiki) WriteZip(w io.Writer, files []ExportFile) error {
	zw := zip.NewWriter(w)
	for _, f := range files {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Path, Method: zip.Deflate, Modified: f.Modified.UTC()})
		if err != nil {
			return err
		}
		if f.Sum == nil {
			if _, err := fw.Write(f.Data); err != nil {
				return err
			}
			continue
		}
		if err := wk.copyStored(fw, f.Sum); err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
	}
	return zw.Close()
}

func (wk *Wiki) copyStored(w io.Writer, sum []byte) error {
	r, err := wk.files.Open(sum)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(w, r)
	return err
}
