package wiki

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"strings"
	"unicode/utf8"

	"github.com/fachnetz/fachnetz/server/errs"
)

// ImportLimits bound what an import reads from a zip, whatever the zip
// claims about itself: a small zip may unpack into gigabytes.
type ImportLimits struct {
	Files int   // entries, folders included
	Total int64 // bytes unpacked, all entries together
	// Pages bounds the page files together: unlike attachments, which
	// stream to disk, their text is held and parsed in memory, so it gets
	// a cap far below Total.
	Pages int64
	Page  int64 // bytes of one page file
	File  int64 // bytes of one attachment
}

// DefaultImportLimits are the limits with attachments of at most
// maxUpload bytes, as uploaded one by one.
func DefaultImportLimits(maxUpload int64) ImportLimits {
	return ImportLimits{Files: 5000, Total: 1 << 30, Pages: 32 << 20, Page: 600_000, File: maxUpload}
}

// archive is a zip whose names and sizes have been checked.
type archive struct {
	entries []*zip.File // regular files only, by their checked names
	lim     ImportLimits
	read    int64 // bytes unpacked so far
	text    int64 // of them, bytes of page files
}

// openArchive checks every entry before anything is read: names that
// would leave the space's folder (absolute, "..", drive letters,
// backslashes), links and other special files, repeated names, and the
// declared sizes against the limits.
func openArchive(zr *zip.Reader, lim ImportLimits) (*archive, error) {
	if len(zr.File) > lim.Files {
		return nil, importErr("wiki.import.too_many", "Max", lim.Files)
	}
	a := &archive{lim: lim}
	seen := map[string]bool{}
	var declared, text uint64
	for _, f := range zr.File {
		name := f.Name
		if !safeName(strings.TrimSuffix(name, "/")) {
			return nil, importErr("wiki.import.unsafe_path", "Name", printable(name))
		}
		mode := f.Mode()
		if mode&fs.ModeSymlink != 0 || (mode&fs.ModeType != 0 && !mode.IsDir()) {
			return nil, importErr("wiki.import.special_file", "Name", name)
		}
		if mode.IsDir() || strings.HasSuffix(name, "/") {
			continue
		}
		if key := strings.ToLower(name); seen[key] {
			return nil, importErr("wiki.import.duplicate", "Name", name)
		} else {
			seen[key] = true
		}
		if max := a.maxOf(name); f.UncompressedSize64 > uint64(max) {
			return nil, tooLarge(name, max)
		}
		declared += f.UncompressedSize64
		if declared > uint64(lim.Total) {
			return nil, importErrCode(errs.TooLarge, "wiki.import.total_too_large", "MB", lim.Total>>20)
		}
		if isPage(name) {
			if text += f.UncompressedSize64; text > uint64(lim.Pages) {
				return nil, pagesTooLarge(lim)
			}
		}
		a.entries = append(a.entries, f)
	}
	return a, nil
}

// safeName accepts a relative path of plain segments.
func safeName(name string) bool {
	if name == "" || !utf8.ValidString(name) || strings.ContainsAny(name, "\\\x00") || strings.HasPrefix(name, "/") {
		return false
	}
	if len(name) >= 2 && name[1] == ':' {
		return false // C:…
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.IndexFunc(seg, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
			return false
		}
	}
	return true
}

// printable shortens a name for a message and drops control characters.
func printable(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(name, "?"))
	if len(name) > 120 {
		name = name[:120] + "…"
	}
	return name
}

// isPage: a page file, held in memory while importing.
func isPage(name string) bool { return strings.HasSuffix(name, ".md") && !isAttachment(name) }

func (a *archive) maxOf(name string) int64 {
	if isPage(name) {
		return a.lim.Page
	}
	return a.lim.File
}

// open reads an entry, stopping at its limit and at the total, whatever
// its header said.
func (a *archive) open(f *zip.File) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, importErr("wiki.import.broken", "Name", f.Name)
	}
	return &boundedReader{r: rc, a: a, name: f.Name, left: a.maxOf(f.Name)}, nil
}

// readAll reads a whole entry.
func (a *archive) readAll(f *zip.File) ([]byte, error) {
	rc, err := a.open(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, rc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type boundedReader struct {
	r    io.ReadCloser
	a    *archive
	name string
	left int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.left -= int64(n)
	b.a.read += int64(n)
	if isPage(b.name) {
		b.a.text += int64(n)
	}
	switch {
	case b.left < 0:
		return n, tooLarge(b.name, b.a.maxOf(b.name))
	case b.a.read > b.a.lim.Total:
		return n, importErrCode(errs.TooLarge, "wiki.import.total_too_large", "MB", b.a.lim.Total>>20)
	case b.a.text > b.a.lim.Pages:
		return n, pagesTooLarge(b.a.lim)
	case err != nil && !errors.Is(err, io.EOF):
		return n, importErr("wiki.import.broken", "Name", b.name)
	}
	return n, err
}

func (b *boundedReader) Close() error { return b.r.Close() }

func tooLarge(name string, max int64) error {
	return importErrCode(errs.TooLarge, "wiki.import.file_too_large", "Name", name, "KB", max>>10)
}

func pagesTooLarge(lim ImportLimits) error {
	return importErrCode(errs.TooLarge, "wiki.import.pages_too_large", "MB", lim.Pages>>20)
}

func importErr(key string, args ...any) error {
	return importErrCode(errs.Invalid, key, args...)
}

func importErrCode(code errs.Code, key string, args ...any) error {
	return errs.E(code, key, args...).OnField("file")
}
