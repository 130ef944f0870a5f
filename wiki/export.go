package wiki

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
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

// maxExports is how many space exports one server writes at once; an
// export reads every page and file of a space.
const maxExports = 2

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

// exportSpace answers the whole space as a zip to whoever may read it.
// The zip is written as it is built; at most a few are built at once, so
// that readers asking for large spaces together cannot tie up the server.
func (wk *Wiki) exportSpace(c *gin.Context) {
	select {
	case wk.exports <- struct{}{}:
		defer func() { <-wk.exports }()
	default:
		c.Header("Retry-After", "60")
		wk.web.Fail(c, errs.E(errs.Unavailable, "wiki.export.busy"))
		return
	}
	ctx, space := c.Request.Context(), policies.SpaceOf(c)
	ex, err := wk.loadExport(ctx, space)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": space.Slug + ".zip"}))
	c.Header("Cache-Control", "private, no-store")
	c.Status(http.StatusOK)
	if err := wk.writeExport(c.Writer, ex, wk.readCache(ctx, c).can); err != nil {
		// The answer has begun: a broken download is all that is left.
		wk.log.Error("space export", "space", space.Slug, "err", err)
	}
}

// spaceExport is what an export writes, loaded with one query per kind.
type spaceExport struct {
	pages   []Page // in the order of their paths
	paths   map[int64]string
	files   map[int64][]Attachment
	topics  map[int64][]string
	links   map[int64]map[LinkKey]PageRef
	handles map[int64]string
}

func (wk *Wiki) loadExport(ctx context.Context, space policies.Space) (*spaceExport, error) {
	pages, err := wk.store.SpacePages(ctx, space.ID)
	if err != nil {
		return nil, err
	}
	ex := &spaceExport{pages: pages, paths: pagePaths(pages)}
	ids := make([]int64, len(pages))
	var owners []int64
	for i, p := range pages {
		ids[i] = p.ID
		if p.OwnerID != nil {
			owners = append(owners, *p.OwnerID)
		}
	}
	sort.Slice(ex.pages, func(i, j int) bool { return ex.paths[ex.pages[i].ID] < ex.paths[ex.pages[j].ID] })
	if ex.files, err = wk.store.ExportAttachments(ctx, ids); err != nil {
		return nil, err
	}
	if ex.topics, err = wk.store.ExportTopics(ctx, ids); err != nil {
		return nil, err
	}
	if ex.links, err = wk.store.ExportLinkTargets(ctx, ids); err != nil {
		return nil, err
	}
	if ex.handles, err = wk.store.Handles(ctx, owners); err != nil {
		return nil, err
	}
	return ex, nil
}

// writeExport writes the zip one file after the other: each page file,
// then that page's files. canRead tells the spaces whose pages links
// elsewhere may name by their present names (see exportWikiLink).
func (wk *Wiki) writeExport(w io.Writer, ex *spaceExport, canRead func(int64) bool) error {
	zw := zip.NewWriter(w)
	for _, p := range ex.pages {
		self, files := ex.paths[p.ID], ex.files[p.ID]
		fm := frontMatter{Title: p.Title, Slug: p.Slug, ReviewIntervalDays: p.ReviewIntervalDays, Template: p.IsTemplate, Topics: ex.topics[p.ID]}
		if p.DueOn != nil {
			fm.ReviewDue = p.DueOn.Format(time.DateOnly)
		}
		if p.OwnerID != nil {
			fm.Owner = ex.handles[*p.OwnerID]
		}
		data, err := pageFile(fm, exportText(canRead, p, ex.paths, files, ex.links[p.ID]))
		if err != nil {
			return fmt.Errorf("export %s: %w", p.Slug, err)
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: self, Method: zip.Deflate, Modified: p.UpdatedAt.UTC()})
		if err != nil {
			return err
		}
		if _, err := fw.Write(data); err != nil {
			return err
		}
		for _, a := range files {
			name := attachmentPath(self, a.Filename)
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: a.CreatedAt.UTC()})
			if err != nil {
				return err
			}
			if err := wk.copyStored(fw, a.SHA256); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return zw.Close()
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
func exportText(canRead func(int64) bool, p Page, paths map[int64]string, files []Attachment, stored map[LinkKey]PageRef) string {
	refs := markdown.Refs(p.Body)
	if len(refs) == 0 {
		return p.Body
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
		name, ok := markdown.LocalDest(r.URL)
		if !ok {
			continue
		}
		if a, ok := byName[strings.ToLower(strings.TrimPrefix(name, "./"))]; ok {
			edits = append(edits, markdown.Edit{Start: r.DestStart, Stop: r.DestStop,
				Text: markdown.Destination(relPath(self, attachmentPath(self, a.Filename)))})
		}
	}
	return markdown.Replace(p.Body, edits)
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
	name, moved := presentName(t, space, r.Title, canRead)
	if !moved {
		return "", false
	}
	text := "[[" + t.SpaceSlug + ":" + name
	if r.Label != r.Title {
		text += "|" + r.Label
	}
	return text + "]]", true
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
