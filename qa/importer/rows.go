package importer

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Problem is a row or a file that could not be imported, with its place.
type Problem struct {
	File string // "Posts.xml"
	Line int    // 0 when the problem concerns the whole file
	Msg  string
}

func (p *Problem) Error() string {
	if p.Line == 0 {
		return p.File + ": " + p.Msg
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
}

// rowRef is where a row sits in its file, so that it can be read again
// when its thread is imported instead of being held in memory.
type rowRef struct {
	off, end int64
	line     int
}

// rowFile is one file of the dump: a root element with <row/> children.
type rowFile struct {
	name string // base name, for messages
	root string // "posts", "comments", "users"
	f    *os.File
}

// openRows opens dir/name; a missing optional file is (nil, nil).
func openRows(dir, name, root string, required bool) (*rowFile, error) {
	f, err := os.Open(dir + string(os.PathSeparator) + name)
	if errors.Is(err, os.ErrNotExist) && !required {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &rowFile{name: name, root: root, f: f}, nil
}

func (rf *rowFile) Close() error {
	if rf == nil {
		return nil
	}
	return rf.f.Close()
}

// scan streams the file once and calls fn for every row with its place
// and attributes. A file that is not well-formed stops the scan at that
// line and is returned as a *Problem; rows before it have been passed on.
func (rf *rowFile) scan(fn func(ref rowRef, a *attrs)) error {
	if _, err := rf.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	d := xml.NewDecoder(bufio.NewReaderSize(rf.f, 1<<16))
	depth, roots := 0, 0
	var pending *rowRef
	var pendingAttrs []xml.Attr
	for {
		// Tokens are contiguous, so the position before reading one is
		// where it starts.
		off := d.InputOffset()
		line, _ := d.InputPos()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if roots == 0 {
				return &Problem{File: rf.name, Line: line, Msg: fmt.Sprintf("no <%s> element", rf.root)}
			}
			if depth == 0 {
				return nil
			}
			return &Problem{File: rf.name, Line: line, Msg: "unexpected end of file"}
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return &Problem{File: rf.name, Line: se.Line, Msg: "not well-formed XML: " + se.Msg}
			}
			return fmt.Errorf("read %s: %w", rf.name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				roots++
			}
			switch {
			case depth == 1 && t.Name.Local != rf.root:
				return &Problem{File: rf.name, Line: line, Msg: fmt.Sprintf("the root element is <%s>, not <%s>", t.Name.Local, rf.root)}
			case depth == 2 && t.Name.Local == "row":
				pending = &rowRef{off: off, line: line}
				pendingAttrs = t.Attr
			}
		case xml.EndElement:
			if depth == 2 && pending != nil {
				pending.end = d.InputOffset()
				fn(*pending, &attrs{file: rf.name, line: pending.line, list: pendingAttrs})
				pending, pendingAttrs = nil, nil
			}
			depth--
		}
	}
}

// row reads one row again.
func (rf *rowFile) row(ref rowRef) (*attrs, error) {
	d := xml.NewDecoder(io.NewSectionReader(rf.f, ref.off, ref.end-ref.off))
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("%s:%d: read the row again: %w", rf.name, ref.line, err)
		}
		if t, ok := tok.(xml.StartElement); ok {
			return &attrs{file: rf.name, line: ref.line, list: t.Attr}, nil
		}
	}
}

// attrs reads the attributes of one row and keeps the first problem with
// them, so that a reader can take all fields and check once.
type attrs struct {
	file string
	line int
	list []xml.Attr
	err  *Problem
}

func (a *attrs) fail(format string, args ...any) {
	if a.err == nil {
		a.err = &Problem{File: a.file, Line: a.line, Msg: fmt.Sprintf(format, args...)}
	}
}

func (a *attrs) lookup(name string) (string, bool) {
	for _, at := range a.list {
		if at.Name.Local == name {
			return at.Value, true
		}
	}
	return "", false
}

// str returns an attribute's value, "" when it is absent.
func (a *attrs) str(name string) string {
	v, _ := a.lookup(name)
	return v
}

// num returns a whole-number attribute; ok is false when it is absent (and
// required makes that a problem) or not a number (always a problem).
func (a *attrs) num(name string, required bool) (n int64, ok bool) {
	v, present := a.lookup(name)
	if !present || v == "" {
		if required {
			a.fail("attribute %s is missing", name)
		}
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		a.fail("attribute %s is not a number: %q", name, v)
		return 0, false
	}
	return n, true
}

// user reads an optional user id.
func (a *attrs) user(name string) userRef {
	id, ok := a.num(name, false)
	return userRef{ID: id, Set: ok}
}

// dumpTime is how the dumps write dates: UTC without a zone; fractions of
// a second are accepted by time.Parse without being in the layout.
const dumpTime = "2006-01-02T15:04:05"

// time returns a date attribute; the zero time when it is absent.
func (a *attrs) time(name string, required bool) time.Time {
	v, present := a.lookup(name)
	if !present || v == "" {
		if required {
			a.fail("attribute %s is missing", name)
		}
		return time.Time{}
	}
	t, err := time.ParseInLocation(dumpTime, strings.TrimSpace(v), time.UTC)
	if err != nil {
		a.fail("attribute %s is not a date: %q", name, v)
		return time.Time{}
	}
	return t
}

// userRef is a dump user id, if the row names one.
type userRef struct {
	ID  int64
	Set bool
}
