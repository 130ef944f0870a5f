package wiki

import (
	"archive/zip"
	"context"
	"fmt"
	"path"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/errs"
)

// maxImportTopics is how many new topics one import may propose: each
// lands in the knowledge managers' queue of unsorted topics.
const maxImportTopics = 50

// checkImportTopics checks the topics of every page before any is
// proposed: names the editor would refuse, and more new topics in all
// than an import may propose, stop the import before it changes
// anything.
func (wk *Wiki) checkImportTopics(ctx context.Context, plan *importPlan) error {
	if wk.deps.UnknownTopics == nil || wk.deps.ResolveTopics == nil {
		return nil
	}
	fresh := map[string]bool{}
	for _, p := range plan.order {
		ip := plan.pages[p]
		if len(ip.fm.Topics) == 0 {
			continue
		}
		unknown, err := wk.deps.UnknownTopics(ctx, ip.fm.Topics)
		if err != nil {
			return topicsErr(ip, err)
		}
		for _, n := range unknown {
			fresh[n] = true
		}
	}
	if len(fresh) > maxImportTopics {
		return importErr("wiki.import.too_many_topics", "Max", maxImportTopics, "Count", len(fresh))
	}
	return nil
}

// topicsErr names the page whose topics cannot be taken; anything but
// refused names (the database, say) stays what it is.
func topicsErr(ip *importPage, err error) error {
	if errs.CodeOf(err) == errs.Invalid {
		return importErr("wiki.import.topics", "Name", ip.path)
	}
	return fmt.Errorf("topics of %s: %w", ip.path, err)
}

// storeFiles reads every attachment of the zip once into the content
// store, with the checks of an upload, before a page is written: a file
// that is broken or not what its name says stops the import while the
// space is still empty. It returns the files by page and every content
// stored, so that a failed import can give back what nothing refers to.
func (wk *Wiki) storeFiles(ar *archive, plan *importPlan) (map[string][]DraftFile, [][]byte, error) {
	files := map[string][]DraftFile{}
	var sums [][]byte
	for _, p := range plan.order {
		for _, f := range plan.pages[p].files {
			df, err := wk.storeFile(ar, f)
			if err != nil {
				return nil, sums, err
			}
			files[p] = append(files[p], df)
			sums = append(sums, df.SHA256)
		}
	}
	return files, sums, nil
}

func (wk *Wiki) storeFile(ar *archive, f *zip.File) (DraftFile, error) {
	rc, err := ar.open(f)
	if err != nil {
		return DraftFile{}, err
	}
	defer rc.Close()
	return wk.CheckFile(path.Base(f.Name), rc)
}

// writeImport writes the pages, parents first, and their files in one
// transaction on an empty space (Store.FillEmpty).
func (wk *Wiki) writeImport(ctx context.Context, spaceID int64, plan *importPlan, drafts []Draft, files map[string][]DraftFile, by int64, sum *ImportSummary) error {
	return wk.store.FillEmpty(ctx, spaceID, func(tx pgx.Tx) error {
		ids := map[string]int64{}
		sum.Pages, sum.Files = 0, 0
		for i, p := range plan.order {
			ip, d := plan.pages[p], drafts[i]
			if ip.parent != "" {
				parent := ids[ip.parent]
				d.ParentID = &parent
			}
			id, err := wk.store.insertPage(ctx, tx, spaceID, ip.fm.Slug, d, by, wk.imported(by))
			if err != nil {
				return err
			}
			ids[p], sum.Pages = id, sum.Pages+1
			for _, df := range files[p] {
				a := Attachment{PageID: id, Filename: df.Filename, ContentType: df.ContentType, Size: df.Size, SHA256: df.SHA256}
				if _, err := putAttachment(ctx, tx, a, by); err != nil {
					return err
				}
				sum.Files++
			}
		}
		return nil
	})
}
