package markdown

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// germanFold spells umlauts and ß the way German readers expect in URLs
// ("Übersicht" → "uebersicht", not "ubersicht").
var germanFold = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue", "ẞ", "ss")

// slugify makes an id fragment of [a-z0-9-]: German transliteration first,
// then other accents dropped (é → e), every other run of characters becomes
// one "-". It is idempotent, so it also normalises glossary slugs.
func slugify(s string) string {
	s = norm.NFD.String(germanFold.Replace(norm.NFC.String(s)))
	var b strings.Builder
	b.Grow(len(s))
	dash := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining accent of a decomposed letter: drop
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	return b.String()
}

// ids hands out unique element ids for one document.
type ids struct {
	prefix string
	used   map[string]bool
}

func newIDs(prefix string) *ids { return &ids{prefix: prefix, used: map[string]bool{}} }

func (s *ids) reserve(id string) { s.used[id] = true }

// generate returns prefix + slug of text, with "-1", "-2" … appended for
// repeated headings, as GitHub does.
func (s *ids) generate(text string) string {
	base := slugify(text)
	if base == "" {
		base = "abschnitt"
	}
	id := s.prefix + base
	for i := 1; s.used[id]; i++ {
		id = s.prefix + base + "-" + strconv.Itoa(i)
	}
	s.used[id] = true
	return id
}
