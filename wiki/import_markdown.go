package wiki

import (
	"archive/zip"
	"context"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/web"
)

// ImportOptions say who imports and how far a zip may go.
type ImportOptions struct {
	// By is the account the import is recorded under (author of the
	// revisions, uploader, proposer of unknown topics); 0 for none, when
	// an operator imports from the command line.
	By int64
	// Owner maps an owner's handle from the front matter to an account;
	// false: unknown here, the page belongs to By (or nobody).
	Owner   func(ctx context.Context, handle string) (int64, bool, error)
	Message string // the message of the imported revisions
	Limits  ImportLimits
}

// ImportSummary is what an import made.
type ImportSummary struct {
	Pages, Files int
	// UnknownOwners are owners of the zip that name no account here, each
	// once; UnownedPages counts the pages they owned.
	UnknownOwners []string
	UnownedPages  int
}

// importPage is a page file of the zip, checked.
type importPage struct {
	path, parent string // parent: the parent's page file, "" at the top
	fm           frontMatter
	body         string
	files        []*zip.File
	reviewDue    *time.Time // fm.ReviewDue, read
}

// importPlan is a whole zip, checked before anything is written.
type importPlan struct {
	pages  map[string]*importPage // by path
	order  []string               // parents before their subpages
	titles map[string]int         // lower-case titles and slugs, counted
}

// ImportMarkdown fills an empty space from a zip in the layout of a space
// export (see export.go) through the wiki's own saving: revisions, links,
// topics, search and attachments as for pages written by hand. The whole
// zip is checked and its files stored first; the pages and files are
// then written in one transaction, so that an import either fills the
// space or leaves it empty (topics named in it aside, which are proposed
// as typing them in the editor would).
func (wk *Wiki) ImportMarkdown(ctx context.Context, space policies.Space, zr *zip.Reader, opt ImportOptions) (ImportSummary, error) {
	var sum ImportSummary
	ar, err := openArchive(zr, opt.Limits)
	if err != nil {
		return sum, err
	}
	// A space that is not empty is told so before the zip is unpacked.
	if has, err := wk.store.HasPages(ctx, space.ID); err != nil || has {
		if err == nil {
			err = errs.E(errs.Conflict, "wiki.import.not_empty").OnField("file")
		}
		return sum, err
	}
	plan, err := readPlan(ar)
	if err != nil {
		return sum, err
	}
	if err := wk.checkImportTopics(ctx, plan); err != nil {
		return sum, err
	}
	// The files are stored before topics are proposed: a broken file
	// stops the import before it changes anything.
	files, sums, err := wk.storeFiles(ar, plan)
	var drafts []Draft
	if err == nil {
		drafts, err = wk.importDrafts(ctx, space, plan, opt, &sum)
	}
	if err == nil {
		// Once the writing has begun it ends in a commit or a rollback of
		// its own, whether or not the client still waits.
		err = wk.writeImport(context.WithoutCancel(ctx), space.ID, plan, drafts, files, opt.By, &sum)
	}
	if err != nil && len(sums) > 0 {
		wk.removeUnused(context.WithoutCancel(ctx), sums)
	}
	if err != nil {
		return ImportSummary{UnknownOwners: sum.UnknownOwners, UnownedPages: sum.UnownedPages}, err
	}
	return sum, nil
}

// importDrafts resolves topics and owners for every page before the first
// is written: a page with topics that cannot be taken stops the import
// while the space is still empty.
func (wk *Wiki) importDrafts(ctx context.Context, space policies.Space, plan *importPlan, opt ImportOptions, sum *ImportSummary) ([]Draft, error) {
	drafts := make([]Draft, len(plan.order))
	owners := map[string]*int64{} // handle → account, nil when unknown here
	for i, p := range plan.order {
		var err error
		if drafts[i], err = wk.importDraft(ctx, space, plan, plan.pages[p], opt, owners, sum); err != nil {
			return nil, err
		}
	}
	return drafts, nil
}

// importDraft is what the store saves for a page file, its parent aside.
func (wk *Wiki) importDraft(ctx context.Context, space policies.Space, plan *importPlan, ip *importPage, opt ImportOptions, owners map[string]*int64, sum *ImportSummary) (Draft, error) {
	body := plan.importText(ip)
	d := Draft{Title: ip.fm.Title, Body: body, Message: opt.Message, ReviewIntervalDays: ip.fm.ReviewIntervalDays,
		IsTemplate: ip.fm.Template, ReviewDue: ip.reviewDue, Links: LinkKeys(space.Slug, body)}
	if len(ip.fm.Topics) > 0 && wk.deps.ResolveTopics != nil {
		topics, err := wk.deps.ResolveTopics(ctx, ip.fm.Topics, opt.By)
		if err != nil {
			return d, topicsErr(ip, err)
		}
		d.TopicIDs = topics
	}
	if h := ip.fm.Owner; h != "" {
		owner, seen := owners[h]
		if !seen {
			id, ok, err := opt.Owner(ctx, h)
			if err != nil {
				return d, err
			}
			if ok {
				owner = &id
			} else {
				sum.UnknownOwners = append(sum.UnknownOwners, h)
			}
			owners[h] = owner
		}
		if d.OwnerID = owner; owner == nil {
			sum.UnownedPages++
		}
	}
	if d.OwnerID == nil && ip.fm.Owner != "" && opt.By != 0 {
		d.OwnerID = &opt.By
	}
	return d, nil
}

// imported is what an imported page runs in its transaction: its owner
// and the importer watch it. Nobody is told: filling an empty space is no
// news to its watchers.
func (wk *Wiki) imported(by int64) afterWrite {
	return func(ctx context.Context, tx pgx.Tx, p Page, _ string) error {
		if wk.deps.Watch == nil {
			return nil
		}
		for _, id := range []int64{by, ptrValue(p.OwnerID)} {
			if id != 0 {
				if err := wk.deps.Watch(ctx, tx, id, notify.WatchPage, p.ID); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

func ptrValue(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// readPlan reads and checks the page files and places the attachments.
func readPlan(ar *archive) (*importPlan, error) {
	plan := &importPlan{pages: map[string]*importPage{}, titles: map[string]int{}}
	var files []*zip.File
	slugs := map[string]string{}
	for _, f := range ar.entries {
		name := f.Name
		switch {
		case ignored(name):
		case isAttachment(name):
			files = append(files, f)
		case strings.HasSuffix(name, ".md"):
			ip, err := readPage(ar, f)
			if err != nil {
				return nil, err
			}
			if other, taken := slugs[ip.fm.Slug]; taken {
				return nil, importErr("wiki.import.slug_twice", "Name", name, "Other", other)
			}
			slugs[ip.fm.Slug] = name
			plan.pages[name] = ip
		default:
			return nil, importErr("wiki.import.unexpected", "Name", name)
		}
	}
	if len(plan.pages) == 0 {
		return nil, importErr("wiki.import.no_pages")
	}
	for name, ip := range plan.pages {
		if dir := path.Dir(name); dir != "." {
			if plan.pages[dir+".md"] == nil {
				return nil, importErr("wiki.import.no_parent", "Name", name, "Parent", dir+".md")
			}
			ip.parent = dir + ".md"
		}
		plan.order = append(plan.order, name)
		// A page answers to its title and its slug; both may be one word.
		plan.titles[strings.ToLower(ip.fm.Title)]++
		if ip.fm.Slug != strings.ToLower(ip.fm.Title) {
			plan.titles[ip.fm.Slug]++
		}
	}
	for _, f := range files {
		owner := path.Dir(path.Dir(f.Name)) + ".md"
		ip := plan.pages[owner]
		if ip == nil {
			return nil, importErr("wiki.import.no_parent", "Name", f.Name, "Parent", owner)
		}
		if err := checkImportFile(f); err != nil {
			return nil, err
		}
		ip.files = append(ip.files, f)
	}
	sort.Slice(plan.order, func(i, j int) bool {
		a, b := plan.order[i], plan.order[j]
		if da, db := strings.Count(a, "/"), strings.Count(b, "/"); da != db {
			return da < db
		}
		return a < b
	})
	return plan, nil
}

// ignored are what archivers add on their own.
func ignored(name string) bool {
	return strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(path.Base(name), ".")
}

// isAttachment: FOLDER/_anhaenge/NAME.
func isAttachment(name string) bool {
	return path.Base(path.Dir(name)) == filesFolder && path.Dir(path.Dir(name)) != "."
}

// checkImportFile checks an attachment's name and type as an upload is
// checked, before anything is read; its content is checked as it is
// stored (storeFiles).
func checkImportFile(f *zip.File) error {
	name := path.Base(f.Name)
	if cleanFilename(name) != name {
		return importErr("wiki.import.unsafe_path", "Name", printable(f.Name))
	}
	if _, ok := allowedTypes[strings.ToLower(filepath.Ext(name))]; !ok {
		return importErr("wiki.attachment.type", "Name", f.Name)
	}
	return nil
}

// readPage reads a page file: front matter between "---" lines, then the
// text. Line ends are normalised to "\n", as the editor does.
func readPage(ar *archive, f *zip.File) (*importPage, error) {
	raw, err := ar.readAll(f)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(raw) {
		return nil, importErr("wiki.import.not_utf8", "Name", f.Name)
	}
	text := strings.ReplaceAll(string(raw), "\r\n", "\n")
	rest, ok := strings.CutPrefix(text, "---\n")
	head, body, found := strings.Cut(rest, "\n---\n")
	if !ok || !found {
		return nil, importErr("wiki.import.no_front_matter", "Name", f.Name)
	}
	ip := &importPage{path: f.Name, body: body}
	if err := yaml.UnmarshalWithOptions([]byte(head), &ip.fm, yaml.DisallowUnknownField()); err != nil {
		return nil, importErr("wiki.import.front_matter", "Name", f.Name)
	}
	stem := strings.TrimSuffix(path.Base(f.Name), ".md")
	fm := &ip.fm
	fm.Title = strings.TrimSpace(fm.Title)
	if fm.Slug == "" {
		fm.Slug = stem
	}
	due, dueErr := time.Parse(time.DateOnly, fm.ReviewDue)
	if fm.ReviewDue != "" && dueErr == nil {
		ip.reviewDue = &due
	}
	switch n := utf8.RuneCountInString(fm.Title); {
	case fm.Slug != stem || web.Slugify(stem, 100) != stem:
		return nil, importErr("wiki.import.slug", "Name", f.Name)
	case n == 0 || n > 200:
		return nil, importErr("wiki.import.title", "Name", f.Name)
	case len(body) > maxBody:
		return nil, importErrCode(errs.TooLarge, "wiki.import.file_too_large", "Name", f.Name, "KB", maxBody>>10)
	case fm.ReviewIntervalDays < 0 || fm.ReviewIntervalDays > 3650:
		return nil, importErr("wiki.import.review", "Name", f.Name)
	case fm.ReviewDue != "" && dueErr != nil:
		return nil, importErr("wiki.import.review", "Name", f.Name)
	}
	return ip, nil
}

// linkName is how a wiki link names a page of the zip: by its title,
// unless the link syntax cannot carry it or another page answers to it
// as well; then by its slug.
func (plan *importPlan) linkName(ip *importPage) string {
	t := ip.fm.Title
	if plan.titles[strings.ToLower(t)] > 1 || !markdown.Writable(markdown.Link{Title: t}) {
		return ip.fm.Slug
	}
	return t
}

// importText turns the relative links of a page file back: a link to
// another page file into a wiki link, a link to one of the page's files
// into its file name.
func (plan *importPlan) importText(ip *importPage) string {
	var edits []markdown.Edit
	dir := path.Dir(ip.path)
	for _, r := range markdown.Refs(ip.body) {
		if r.Wiki {
			continue
		}
		dest, ok := markdown.LocalDest(r.URL)
		if !ok {
			continue
		}
		target := path.Join(dir, dest)
		if page := plan.pages[target]; page != nil && !r.Image && r.Start >= 0 && plainLabel(r.Label) {
			name := plan.linkName(page)
			text := "[[" + name
			if r.Label != name {
				text += "|" + r.Label
			}
			edits = append(edits, markdown.Edit{Start: r.Start, Stop: r.Stop, Text: text + "]]"})
			continue
		}
		if path.Dir(target) == folderOf(ip.path)+"/"+filesFolder && slices.ContainsFunc(ip.files, func(f *zip.File) bool { return f.Name == target }) {
			edits = append(edits, markdown.Edit{Start: r.DestStart, Stop: r.DestStop, Text: markdown.Destination(path.Base(target))})
		}
	}
	return markdown.Replace(ip.body, edits)
}

// plainLabel can be the label of a wiki link.
func plainLabel(s string) bool {
	return s != "" && strings.TrimSpace(s) == s && !strings.ContainsAny(s, "[]|\n\r")
}
