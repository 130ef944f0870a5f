package notify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxMentions caps the handles taken from one text, so that a post cannot
// notify half the instance at once.
const MaxMentions = 50

// Mentions returns the distinct handles written as "@handle" in Markdown
// text, lower-case, in order of first appearance. Handles are made of
// a–z, 0–9, '.', '_' and '-' as accounts' handles are (2 to 40 characters,
// starting with a letter or digit); a trailing '.', '_' or '-' is
// punctuation. Not mentions: anything inside code spans and code blocks,
// e-mail addresses and other words that merely contain '@' (the '@' must
// not follow a letter, digit, '.', '_', '-', '/', '+', '\' or '@'), and a
// handle that runs on into other letters ("@jürgen" is no mention of "j").
func Mentions(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, prose := range proseOf(text) {
		for _, h := range mentionsInline(prose) {
			if !seen[h] && len(out) < MaxMentions {
				seen[h] = true
				out = append(out, h)
			}
		}
	}
	return out
}

// proseOf splits Markdown into runs of lines outside code blocks, so that
// code spans may continue across lines of one paragraph but never across a
// block.
func proseOf(text string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = cur[:0]
		}
	}
	fence := "" // the opening fence while inside a fenced block
	prevBlank := true
	indented := false // inside an indented code block
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		if fence != "" {
			// A closing fence: the same character, at least as long, nothing after.
			if indent < 4 && strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]+" \t") == "" {
				fence = ""
			}
			prevBlank = false
			continue
		}
		if indent < 4 && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")) {
			c := trimmed[0]
			n := 0
			for n < len(trimmed) && trimmed[n] == c {
				n++
			}
			// A backtick fence's info string may not contain a backtick.
			if c != '`' || !strings.Contains(trimmed[n:], "`") {
				flush()
				fence = trimmed[:n]
				indented = false
				continue
			}
		}
		blank := strings.TrimSpace(line) == ""
		isCode := !blank && (indent >= 4 || strings.HasPrefix(line, "\t") || strings.HasPrefix(trimmed, "\t"))
		switch {
		case isCode && (prevBlank || indented):
			flush()
			indented = true
		case blank:
			flush()
			// A blank line inside an indented block does not end it.
		default:
			indented = false
			cur = append(cur, line)
		}
		prevBlank = blank
	}
	flush()
	return out
}

// mentionsInline finds mentions in prose, skipping code spans: a run of n
// backticks opens a span that the next run of exactly n backticks closes;
// without such a run the backticks are literal.
func mentionsInline(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '`':
			n := run(s, i, '`')
			if end := closingRun(s, i+n, n); end >= 0 {
				i = end + n
			} else {
				i += n
			}
		case '@':
			if h, width, ok := handleAt(s, i); ok {
				out = append(out, h)
				i += width
			} else {
				i++
			}
		default:
			i++
		}
	}
	return out
}

func run(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

// closingRun returns where the next run of exactly n backticks starts, or -1.
func closingRun(s string, from, n int) int {
	for i := from; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		m := run(s, i, '`')
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// handleAt reads a mention at s[i] == '@'; width is the bytes consumed.
func handleAt(s string, i int) (handle string, width int, ok bool) {
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		if isHandleByte(prev) || strings.ContainsRune("/+\\@", prev) || unicode.IsLetter(prev) || unicode.IsDigit(prev) {
			return "", 0, false
		}
	}
	j := i + 1
	for j < len(s) && isHandleByte(rune(s[j])) {
		j++
	}
	if j < len(s) {
		next, _ := utf8.DecodeRuneInString(s[j:])
		if unicode.IsLetter(next) || unicode.IsDigit(next) || next == '@' {
			return "", 0, false // "@jürgen", "@anna@example.org"
		}
	}
	h := strings.TrimRight(s[i+1:j], "._-")
	if len(h) < 2 || len(h) > 40 || !isAlnum(h[0]) {
		return "", 0, false
	}
	return strings.ToLower(h), j - i, true
}

func isHandleByte(r rune) bool {
	return r < utf8.RuneSelf && (isAlnum(byte(r)) || r == '.' || r == '_' || r == '-')
}

func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}
