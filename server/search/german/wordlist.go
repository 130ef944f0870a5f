package german

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxWordBytes is the longest list entry kept; longer ones are compounds
// nobody searches for as a part.
const maxWordBytes = 60

// Splitter splits German compounds with a word list. It is read-only once
// built and safe for concurrent use.
type Splitter struct {
	blob  string   // the kept words, lower-case, one after the other
	slots []uint32 // open-addressing hash set: offset<<8 | length, 0 = empty
	mask  uint32
	n     int
}

// Load reads a word list with one word per line, such as
// /usr/share/dict/ngerman from the Debian package wngerman.
func Load(path string) (*Splitter, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("german: word list: %w", err)
	}
	defer f.Close()
	s := newSplitter()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		s.add(sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("german: read %s: %w", path, err)
	}
	if s.Len() == 0 {
		return nil, fmt.Errorf("german: %s holds no usable words", path)
	}
	return s.done(), nil
}

// NewSplitter builds a Splitter from words. It keeps words written in
// lower case or capitalised (no abbreviations like "ABC" or "BahnCard"),
// of German letters only, at least three letters long, lower-cased.
func NewSplitter(words []string) *Splitter {
	s := newSplitter()
	for _, w := range words {
		s.add(w)
	}
	return s.done()
}

// building is a Splitter being filled: words go into a growing buffer
// that done turns into the string blob.
type building struct {
	*Splitter
	buf     []byte
	blocked map[string]bool
}

func newSplitter() *building {
	b := &building{Splitter: &Splitter{slots: make([]uint32, 1<<10), mask: 1<<10 - 1}, blocked: make(map[string]bool, len(notParts))}
	for _, w := range notParts {
		b.blocked[w] = true
	}
	return b
}

// add adds a list entry if it is useful and new.
func (b *building) add(w string) {
	lw, ok := keep(strings.TrimSpace(w))
	if !ok || b.blocked[lw] || len(b.buf)+len(lw) >= 1<<24 { // offsets have 24 bits: 3.5 × ngerman
		return
	}
	if b.contains(lw) {
		return
	}
	if (b.n+1)*4 > len(b.slots)*3 { // keep the load factor ≤ 3/4
		b.grow()
	}
	o := uint32(len(b.buf))<<8 | uint32(len(lw))
	b.buf = append(b.buf, lw...)
	b.insert(o)
	b.n++
}

// contains is has for a Splitter being built.
func (b *building) contains(w string) bool {
	for h := hash(w) & b.mask; ; h = (h + 1) & b.mask {
		o := b.slots[h]
		if o == 0 {
			return false
		}
		if int(o&0xff) == len(w) && string(b.buf[o>>8:o>>8+o&0xff]) == w {
			return true
		}
	}
}

func (b *building) grow() {
	old := b.slots
	b.slots = make([]uint32, 2*len(old))
	b.mask = uint32(len(b.slots) - 1)
	for _, o := range old {
		if o != 0 {
			b.insert(o)
		}
	}
}

func (b *building) insert(o uint32) {
	w := b.buf[o>>8 : o>>8+o&0xff]
	for h := hash(string(w)) & b.mask; ; h = (h + 1) & b.mask {
		if b.slots[h] == 0 {
			b.slots[h] = o
			return
		}
	}
}

func (b *building) done() *Splitter {
	b.blob = string(b.buf)
	b.buf = nil
	return b.Splitter
}

// keep reports whether a list entry is useful, and its lower-case form.
func keep(w string) (string, bool) {
	if len(w) > maxWordBytes || utf8.RuneCountInString(w) < minPart {
		return "", false
	}
	for i, r := range w {
		switch {
		case isLower(r):
		case i == 0 && unicode.IsUpper(r) && isLower(unicode.ToLower(r)):
		default:
			return "", false // abbreviation, mixed case, digit, apostrophe, é …
		}
	}
	return strings.ToLower(w), true
}

// isLower reports whether r is a lower-case German letter.
func isLower(r rune) bool {
	return 'a' <= r && r <= 'z' || r == 'ä' || r == 'ö' || r == 'ü' || r == 'ß'
}

// Len is the number of words kept from the list.
func (s *Splitter) Len() int { return s.n }

// has reports whether the lower-case word w is in the list.
func (s *Splitter) has(w string) bool {
	if s == nil || len(s.slots) == 0 || len(w) < minPart || len(w) > maxWordBytes {
		return false
	}
	for h := hash(w) & s.mask; ; h = (h + 1) & s.mask {
		o := s.slots[h]
		if o == 0 {
			return false
		}
		if int(o&0xff) == len(w) && s.blob[o>>8:o>>8+o&0xff] == w {
			return true
		}
	}
}

// hash is FNV-1a.
func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
