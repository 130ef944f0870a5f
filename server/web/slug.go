package web

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Slugify turns a title into a URL part: German umlauts and ß spelled out,
// other accents dropped, everything else that is not a letter or digit
// folded into single hyphens, at most max bytes.
func Slugify(title string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFC.String(strings.ToLower(title)) {
		switch r {
		case 'ä':
			b.WriteString("ae")
		case 'ö':
			b.WriteString("oe")
		case 'ü':
			b.WriteString("ue")
		case 'ß':
			b.WriteString("ss")
		default:
			if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				b.WriteRune(r)
			} else if base := baseLetter(r); base != 0 {
				b.WriteRune(base)
			} else {
				if b.Len() > 0 && !dash {
					b.WriteByte('-')
				}
				dash = true
				continue
			}
		}
		dash = false
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > max {
		s = strings.TrimRight(s[:max], "-")
	}
	return s
}

// baseLetter returns the ASCII letter under an accented one (é → e).
func baseLetter(r rune) rune {
	for _, d := range norm.NFD.String(string(r)) {
		if d < unicode.MaxASCII && unicode.IsLetter(d) {
			return d
		}
		break
	}
	return 0
}
