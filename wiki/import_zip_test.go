package wiki

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/server/errs"
)

const pageText = "---\ntitle: Seite\nslug: seite\nreview_interval_days: 0\n---\nText\n"

type entry struct {
	name, data string
	mode       fs.FileMode
	// claim is the unpacked size the header states, when it lies.
	claim uint64
}

func zipOf(t *testing.T, entries ...entry) *zip.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Store}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		if e.claim != 0 {
			// A stored entry whose header claims less than it holds.
			h.CompressedSize64, h.UncompressedSize64 = uint64(len(e.data)), e.claim
			w, err := zw.CreateRaw(h)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte(e.data))
			continue
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

// checkZip runs what an import does before it writes anything: the
// checks, and the attachments into a content store of their own.
func checkZip(t *testing.T, zr *zip.Reader, lim ImportLimits) error {
	ar, err := openArchive(zr, lim)
	if err != nil {
		return err
	}
	plan, err := readPlan(ar)
	if err != nil {
		return err
	}
	files, err := NewFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	wk := &Wiki{files: files, deps: Deps{MaxUpload: lim.File}}
	_, _, err = wk.storeFiles(ar, plan)
	return err
}

var testLimits = ImportLimits{Files: 10, Total: 4096, Pages: 8192, Page: 1024, File: 2048}

func TestImportRefusesZipsThatEscapeOrExplode(t *testing.T) {
	cases := []struct {
		name    string
		entries []entry
		key     string
		code    errs.Code
	}{
		{"parent path", []entry{{name: "seite.md", data: pageText}, {name: "../etc/passwd.md", data: pageText}}, "wiki.import.unsafe_path", errs.Invalid},
		{"inner parent path", []entry{{name: "a/../../b.md", data: pageText}}, "wiki.import.unsafe_path", errs.Invalid},
		{"absolute path", []entry{{name: "/etc/seite.md", data: pageText}}, "wiki.import.unsafe_path", errs.Invalid},
		{"backslash", []entry{{name: "..\\seite.md", data: pageText}}, "wiki.import.unsafe_path", errs.Invalid},
		{"drive letter", []entry{{name: "C:/seite.md", data: pageText}}, "wiki.import.unsafe_path", errs.Invalid},
		{"symlink", []entry{{name: "seite.md", data: "/etc/passwd", mode: fs.ModeSymlink | 0o777}}, "wiki.import.special_file", errs.Invalid},
		{"too many", func() []entry {
			var list []entry
			for i := range 11 {
				list = append(list, entry{name: strings.Repeat("a", i+1) + ".md", data: pageText})
			}
			return list
		}(), "wiki.import.too_many", errs.Invalid},
		{"page said too large", []entry{{name: "seite.md", data: pageText + strings.Repeat("x", 1100)}}, "wiki.import.file_too_large", errs.TooLarge},
		// The zip reader stops at the size the header states and calls the
		// rest broken: a bomb cannot unpack past what was checked.
		{"page larger than it says", []entry{{name: "seite.md", data: pageText + strings.Repeat("x", 1100), claim: 100}}, "wiki.import.broken", errs.Invalid},
		{"all together too large", []entry{{name: "a.md", data: pageText + strings.Repeat("x", 900)}, {name: "b.md", data: pageText + strings.Repeat("x", 900)},
			{name: "c.md", data: pageText + strings.Repeat("x", 900)}, {name: "d.md", data: pageText + strings.Repeat("x", 900)},
			{name: "e.md", data: pageText + strings.Repeat("x", 900)}}, "wiki.import.total_too_large", errs.TooLarge},
		{"twice", []entry{{name: "seite.md", data: pageText}, {name: "SEITE.md", data: pageText}}, "wiki.import.duplicate", errs.Invalid},
		{"no pages", []entry{{name: "leer/", data: ""}}, "wiki.import.no_pages", errs.Invalid},
		{"folder without its page", []entry{{name: "fehlt/seite.md", data: pageText}}, "wiki.import.no_parent", errs.Invalid},
		{"stray file", []entry{{name: "seite.md", data: pageText}, {name: "notiz.txt", data: "x"}}, "wiki.import.unexpected", errs.Invalid},
		{"file of a missing page", []entry{{name: "seite.md", data: pageText}, {name: "andere/_anhaenge/a.pdf", data: "%PDF"}}, "wiki.import.no_parent", errs.Invalid},
		{"file type", []entry{{name: "seite.md", data: pageText}, {name: "seite/_anhaenge/a.exe", data: "MZ"}}, "wiki.attachment.type", errs.Invalid},
		{"image that is none", []entry{{name: "seite.md", data: pageText}, {name: "seite/_anhaenge/a.png", data: "<svg/>"}}, "wiki.attachment.not_image", errs.Invalid},
		{"no front matter", []entry{{name: "seite.md", data: "Text"}}, "wiki.import.no_front_matter", errs.Invalid},
		{"unknown field", []entry{{name: "seite.md", data: "---\ntitle: A\nautor: B\n---\n"}}, "wiki.import.front_matter", errs.Invalid},
		{"slug unlike the file", []entry{{name: "seite.md", data: "---\ntitle: A\nslug: andere\n---\n"}}, "wiki.import.slug", errs.Invalid},
		{"file name no slug", []entry{{name: "Seite Eins.md", data: "---\ntitle: A\n---\n"}}, "wiki.import.slug", errs.Invalid},
		{"same slug in two folders", []entry{{name: "a.md", data: "---\ntitle: A\n---\n"}, {name: "b.md", data: "---\ntitle: B\n---\n"},
			{name: "a/c.md", data: "---\ntitle: C\n---\n"}, {name: "b/c.md", data: "---\ntitle: C\n---\n"}}, "wiki.import.slug_twice", errs.Invalid},
		{"no title", []entry{{name: "seite.md", data: "---\nslug: seite\n---\n"}}, "wiki.import.title", errs.Invalid},
		{"bad review date", []entry{{name: "seite.md", data: "---\ntitle: A\nreview_due: morgen\n---\n"}}, "wiki.import.review", errs.Invalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := checkZip(t, zipOf(t, tc.entries...), testLimits)
			e, ok := errs.As(err)
			if !ok || e.Key != tc.key || e.Code != tc.code || e.Field != "file" {
				t.Fatalf("got %v, want %s (%s) on the file field", err, tc.key, tc.code)
			}
		})
	}
}

// Page files are held in memory while importing, so together they have a
// cap far below the total: the sizes the headers declare are refused
// before anything is unpacked.
func TestImportRefusesPagesTooLargeTogether(t *testing.T) {
	lim := testLimits
	lim.Pages = 2048
	// Each header claims 1000 bytes and holds a few: only the declared
	// sizes can tell.
	var declared []entry
	for _, n := range []string{"a.md", "b.md", "c.md"} {
		declared = append(declared, entry{name: n, data: pageText, claim: 1000})
	}
	if _, err := openArchive(zipOf(t, declared...), lim); !isPagesTooLarge(err) {
		t.Fatalf("declared page sizes over the cap: got %v, want wiki.import.pages_too_large", err)
	}
	// Attachments do not count: they are streamed to disk.
	if _, err := openArchive(zipOf(t, entry{name: "a.md", data: pageText}, entry{name: "a/_anhaenge/x.pdf", data: "%PDF", claim: 2000}), lim); err != nil {
		t.Fatalf("an attachment counted as page text: %v", err)
	}
}

// An attachment is unpacked once, and counted once against the total,
// however its content is checked.
func TestImportCountsEachFileOnce(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 900)
	lim := testLimits
	lim.Total = int64(len(pageText) + len(png))
	if err := checkZip(t, zipOf(t, entry{name: "seite.md", data: pageText}, entry{name: "seite/_anhaenge/bild.png", data: png}), lim); err != nil {
		t.Fatalf("a zip within its total: %v", err)
	}
}

func isPagesTooLarge(err error) bool {
	e, ok := errs.As(err)
	return ok && e.Key == "wiki.import.pages_too_large" && e.Code == errs.TooLarge && e.Field == "file"
}

func TestImportAcceptsAnExportLayout(t *testing.T) {
	zr := zipOf(t,
		entry{name: "a.md", data: "---\ntitle: A\n---\nZu [B](a/b.md) und [C](a/b/c.md), [Plan](a/_anhaenge/plan.pdf).\n"},
		entry{name: "a/", data: ""},
		entry{name: "a/b.md", data: "---\ntitle: B\n---\nZurück zu [A](../a.md), [anders benannt](b/c.md), [C](<b/c.md>) `[A](../a.md)`\n"},
		entry{name: "a/b/c.md", data: "---\ntitle: \"x: y\"\n---\n[[andere:Seite]] [extern](https://example.org/a.md)\n"},
		entry{name: "a/_anhaenge/plan.pdf", data: "%PDF-1.4"},
		entry{name: "__MACOSX/a.md", data: "x"},
		entry{name: ".DS_Store", data: "x"},
	)
	ar, err := openArchive(zr, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := readPlan(ar)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.md", "a/b.md", "a/b/c.md"}; strings.Join(plan.order, " ") != strings.Join(want, " ") {
		t.Fatalf("order %v, want parents first %v", plan.order, want)
	}
	if plan.pages["a/b/c.md"].parent != "a/b.md" || len(plan.pages["a.md"].files) != 1 {
		t.Fatalf("tree or files wrong: %+v", plan.pages)
	}
	want := map[string]string{
		"a.md":     "Zu [[B]] und [[c|C]], [Plan](plan.pdf).\n",
		"a/b.md":   "Zurück zu [[A]], [[c|anders benannt]], [[c|C]] `[A](../a.md)`\n",
		"a/b/c.md": "[[andere:Seite]] [extern](https://example.org/a.md)\n",
	}
	for name, text := range want {
		if got := plan.importText(plan.pages[name]); got != text {
			t.Errorf("%s:\n got %q\nwant %q", name, got, text)
		}
	}
}

func TestRelPathBetweenFolders(t *testing.T) {
	for _, c := range [][3]string{
		{"a.md", "b.md", "b.md"},
		{"a.md", "a/b.md", "a/b.md"},
		{"a/b.md", "a.md", "../a.md"},
		{"a/b/c.md", "x.md", "../../x.md"},
		{"a/b/c.md", "a/d/e.md", "../d/e.md"},
		{"a/b.md", "a/b/_anhaenge/p.pdf", "b/_anhaenge/p.pdf"},
	} {
		if got := relPath(c[0], c[1]); got != c[2] {
			t.Errorf("relPath(%s, %s) = %s, want %s", c[0], c[1], got, c[2])
		}
	}
}
