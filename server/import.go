package main

import (
	"archive/zip"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/qa/importer"
	"github.com/fachnetz/fachnetz/server/auth"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/topics"
	"github.com/fachnetz/fachnetz/server/web"
	"github.com/fachnetz/fachnetz/wiki"
)

// importCommand brings content from elsewhere into a space:
// fachnetz import stackexchange DIR --space SLUG [--source NAME],
// fachnetz import markdown ZIP --space SLUG.
func importCommand() operatorCommand {
	return operatorCommand{
		name: "import",
		flags: func(verb string, fs *flag.FlagSet) {
			if verb == "ldap" {
				ldapFlags(fs)
			}
			if verb == "markdown" {
				fs.String("space", "", "slug of the empty space to import into (required)")
			}
			if verb == "stackexchange" {
				fs.String("space", "", "slug of the space to import into (required)")
				fs.String("source", "", "name of the dump, recorded as stackexchange:NAME so that a second run skips what is there (default: the directory's name)")
			}
		},
		verbs: map[string]func(context.Context, *operator, []string) error{
			"stackexchange": importStackExchange,
			"markdown":      importMarkdown,
			"ldap":          ldapVerb,
		},
	}
}

// importStackExchange imports an unpacked Stack Exchange data dump. On a
// terminal it draws a progress bar; otherwise it prints only the summary.
// Problems are listed on standard error, one per line, and make the exit
// status non-zero, with the summary as the last line.
func importStackExchange(ctx context.Context, op *operator, args []string) error {
	const usage = "import stackexchange DIR --space SLUG [--source NAME]"
	space, err := op.importSpace(ctx, args, "import stackexchange", usage)
	if err != nil {
		return err
	}
	dir := args[0]
	name := op.flag("source")
	if name == "" {
		name = filepath.Base(filepath.Clean(dir))
	}
	// Only Resolve is used, which needs neither templates nor a log.
	tp := topics.New(&web.Web{Log: slog.New(slog.DiscardHandler)}, op.pool, topics.Deps{})

	var bar func(done, total int)
	started := false
	progress := func(done, total int) {
		if !started {
			started, bar = true, progressBar(op.env, total)
		}
		if bar != nil {
			bar(done, total)
		}
	}
	sum, err := importer.Import(ctx, op.pool, importer.Options{
		Dir: dir, Name: name, SpaceID: space.ID, AgencyID: space.AgencyID, Topics: tp,
	}, progress)
	var incomplete *importer.IncompleteError
	switch {
	case errors.As(err, &incomplete):
		for _, p := range incomplete.Problems {
			fmt.Fprintln(op.env.stderr, p)
		}
		return errors.New(sum.String())
	case err != nil && sum.Questions+sum.Skipped+sum.Existing == 0:
		return fmt.Errorf("import stackexchange: %w", err)
	case err != nil:
		return fmt.Errorf("import stackexchange: %w (until then: %s)", err, sum)
	}
	fmt.Fprintln(op.env.stdout, sum)
	return nil
}

// importSpace checks that an import names one source, and finds the space
// named by --space, which must exist and take content.
func (op *operator) importSpace(ctx context.Context, args []string, what, usage string) (policies.Space, error) {
	if err := wantArgs(args, 1, usage); err != nil {
		return policies.Space{}, err
	}
	slug := op.flag("space")
	if slug == "" {
		return policies.Space{}, &configError{what + ": --space is required; usage: fachnetz " + usage}
	}
	space, err := op.spaces.SpaceBySlug(ctx, slug)
	if err != nil {
		return space, cliError(err, what+": space "+slug)
	}
	if space.Archived() {
		return space, &configError{fmt.Sprintf("%s: space %s is archived", what, slug)}
	}
	return space, nil
}

// importMarkdown fills an empty space from a space export (a zip of
// Markdown files, see wiki/export.go). The revisions have no author; an
// owner is found by handle among the active accounts, or the page has
// none. Owners unknown here are listed on standard error.
func importMarkdown(ctx context.Context, op *operator, args []string) error {
	const usage = "import markdown ZIP --space SLUG"
	space, err := op.importSpace(ctx, args, "import markdown", usage)
	if err != nil {
		return err
	}
	zr, err := zip.OpenReader(args[0])
	if err != nil {
		return fmt.Errorf("import markdown: %s is no readable zip: %w", args[0], err)
	}
	defer zr.Close()
	files, err := wiki.NewFileStore(op.cfg.DataDir)
	if err != nil {
		return err
	}
	w := &web.Web{Log: slog.New(slog.DiscardHandler)}
	tp := topics.New(w, op.pool, topics.Deps{})
	store := wiki.NewStore(op.pool)
	wk := wiki.New(store, nil, markdown.New(), w, files, wiki.Deps{
		MaxUpload:     op.cfg.MaxUploadBytes,
		ResolveTopics: tp.ResolveIDs,
		UnknownTopics: tp.Unknown,
	})
	sum, err := wk.ImportMarkdown(ctx, space, &zr.Reader, wiki.ImportOptions{
		Owner:   activeAccount(auth.NewStore(op.pool)),
		Message: "Import",
		Limits:  wiki.DefaultImportLimits(op.cfg.MaxUploadBytes),
	})
	if err != nil {
		return cliError(err, "import markdown")
	}
	for _, h := range sum.UnknownOwners {
		fmt.Fprintf(op.env.stderr, "owner %s is unknown here: their pages have no owner\n", h)
	}
	fmt.Fprintf(op.env.stdout, "%d pages, %d files imported into %s\n", sum.Pages, sum.Files, space.Slug)
	return nil
}

// activeAccount finds an account that is not disabled by its handle, for
// the owners named in an imported zip.
func activeAccount(accounts *auth.Store) func(context.Context, string) (int64, bool, error) {
	return func(ctx context.Context, handle string) (int64, bool, error) {
		a, err := accounts.AccountByHandle(ctx, handle)
		switch {
		case errs.Is(err, errs.NotFound):
			return 0, false, nil
		case err != nil:
			return 0, false, err
		}
		return a.ID, a.DisabledAt == nil, nil
	}
}
