package mailthread

import (
	"bytes"
	"fmt"
	"io"

	"github.com/richardlehane/mscfb"
)

// cfbMagic opens every compound file, and so every Outlook .msg.
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// IsMsg says whether raw is a compound file, the container of Outlook's
// .msg; the name a file was uploaded under does not decide it.
func IsMsg(raw []byte) bool { return bytes.HasPrefix(raw, cfbMagic) }

// storage is one folder of a compound file with its streams read.
type storage struct {
	streams  map[string][]byte
	children map[string]*storage
}

func newStorage() *storage {
	return &storage{streams: map[string][]byte{}, children: map[string]*storage{}}
}

func (s *storage) child(name string) *storage {
	c, ok := s.children[name]
	if !ok {
		c = newStorage()
		s.children[name] = c
	}
	return c
}

// readCompound reads the whole tree of a compound file. Every stream is
// read, so that a truncated file fails here and not halfway through the
// message, and the bytes read together may not exceed the file: the
// streams of a sound file occupy distinct sectors, while a crafted sector
// table can point many large streams at the same sectors.
func readCompound(raw []byte) (root *storage, err error) {
	defer func() {
		// The compound file reader meets untrusted bytes; whatever it
		// trips over is a file that cannot be read, not a crash.
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("compound file: %v: %w", r, ErrMalformed)
		}
	}()
	if !IsMsg(raw) {
		return nil, fmt.Errorf("not a compound file: %w", ErrMalformed)
	}
	doc, err := mscfb.New(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("compound file: %v: %w", err, ErrMalformed)
	}
	root = newStorage()
	budget := int64(len(raw))
	for f, err := doc.Next(); err != io.EOF; f, err = doc.Next() {
		if err != nil {
			return nil, fmt.Errorf("compound file: %v: %w", err, ErrMalformed)
		}
		dir := root
		for _, p := range f.Path {
			dir = dir.child(p)
		}
		if f.FileInfo().IsDir() {
			dir.child(f.Name)
			continue
		}
		if f.Size > budget {
			return nil, fmt.Errorf("compound file: stream %q of %d bytes exceeds the file: %w", f.Name, f.Size, ErrMalformed)
		}
		budget -= f.Size
		data := make([]byte, f.Size)
		if _, err := io.ReadFull(f, data); err != nil {
			return nil, fmt.Errorf("compound file: stream %q: %v: %w", f.Name, err, ErrMalformed)
		}
		dir.streams[f.Name] = data
	}
	return root, nil
}
