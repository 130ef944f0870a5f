package mailthread

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// header is what a quote header says about the message below it.
type header struct {
	Name, Addr string
	Date       time.Time
	Subject    string
}

// segment is one message as the mail shows it, before cleaning.
type segment struct {
	hdr  header
	body string
}

var (
	// Outlook, Thunderbird and Gmail forward and reply separators.
	dashSep = regexp.MustCompile(`(?i)^\s*-{2,}\s*(ursprüngliche nachricht|original message|weitergeleitete nachricht|forwarded message|forwarded by .*|begin forwarded message:?)\s*-{0,}\s*$`)
	// Apple Mail's forward separator has no dashes.
	appleFwd = regexp.MustCompile(`(?i)^\s*(begin forwarded message|anfang der weitergeleiteten nachricht|weitergeleitete nachricht)\s*:\s*$`)
	// Outlook draws a line of underscores above its header block.
	underscoreSep = regexp.MustCompile(`^\s*_{10,}\s*$`)
	// A quote header field, also as Outlook renders bold keys in plain text.
	headerField = regexp.MustCompile(`(?i)^\s*\*?(von|from|gesendet|sent|datum|date|an|to|cc|bcc|betreff|subject|wichtigkeit|importance|antwort an|reply-to)\s*:\*?\s*(.*)$`)
	attribDE    = regexp.MustCompile(`(?i)^\s*am\s+(.+?)\s+schrieb\s+(.+?)\s*:\s*$`)
	attribEN    = regexp.MustCompile(`(?i)^\s*on\s+(.+?)\s+wrote\s*:\s*$`)
	// Outlook for Mac and some web mailers put the date after the name.
	attribENRev = regexp.MustCompile(`(?i)^\s*(.+?)\s+(?:wrote on|schrieb am)\s+(.+?)\s*:\s*$`)
	startsAttr  = regexp.MustCompile(`(?i)^\s*(am|on)\s+\S`)
)

// split cuts text into segments, newest first; top is the mail's own header.
func split(text string, top header, opt Options) ([]segment, error) {
	var out []segment
	lines := strings.Split(text, "\n")
	cur := top
	for {
		if len(out) >= opt.MaxMessages {
			return nil, fmt.Errorf("more than %d messages: %w", opt.MaxMessages, ErrTooManyMessages)
		}
		i, next, rest, ok := findSeparator(lines, opt.Location)
		if !ok {
			out = append(out, segment{hdr: cur, body: strings.Join(lines, "\n")})
			return out, nil
		}
		out = append(out, segment{hdr: cur, body: strings.Join(lines[:i], "\n")})
		cur, lines = next, rest
	}
}

// findSeparator finds the first line that opens an older message and
// returns where it starts, that message's header and the lines it holds.
func findSeparator(lines []string, loc *time.Location) (int, header, []string, bool) {
	quoted, plain := tailCounts(lines)
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(strings.TrimSpace(l), ">") {
			// Quoted lines without an attribution: an older message by an
			// unknown sender, if the quote runs to the end but for a short
			// tail.
			if quoted[i] >= 2 && plain[i] <= quoted[i]/4 {
				rest := unquote(lines[i:])
				// Apple Mail on phones quotes its own attribution line.
				j := 0
				for j < len(rest) && strings.TrimSpace(rest[j]) == "" {
					j++
				}
				if h, n, ok := attributionAt(rest, j, loc); ok {
					return i, h, unquote(rest[j+n:]), true
				}
				return i, header{}, rest, true
			}
			continue
		}
		if dashSep.MatchString(l) || appleFwd.MatchString(l) || underscoreSep.MatchString(l) {
			h, n := readHeaderBlock(lines[i+1:], loc)
			if n > 0 || !underscoreSep.MatchString(l) {
				return i, h, unquoteIfQuoted(lines[i+1+n:]), true
			}
			continue
		}
		if m := headerField.FindStringSubmatch(l); m != nil && isFromKey(m[1]) {
			h, n := readHeaderBlock(lines[i:], loc)
			if n > 0 && h.hasDateOrSubject() {
				return i, h, unquoteIfQuoted(lines[i+n:]), true
			}
			// The rest of this run of fields cannot open a quote header
			// either; skipping it keeps the scan linear.
			for i+1 < len(lines) && headerField.MatchString(lines[i+1]) {
				i++
			}
			continue
		}
		if h, n, ok := attributionAt(lines, i, loc); ok {
			return i, h, unquote(lines[i+n:]), true
		}
	}
	return 0, header{}, nil, false
}

// attributionAt reads an attribution line at lines[i]; long ones wrap, so
// it also tries the line joined with the next two. n is the lines used.
func attributionAt(lines []string, i int, loc *time.Location) (header, int, bool) {
	if i >= len(lines) || !(startsAttr.MatchString(lines[i]) || attribENRev.MatchString(lines[i])) {
		return header{}, 0, false
	}
	window := strings.ToLower(strings.Join(lines[i:min(i+3, len(lines))], " "))
	if !strings.Contains(window, "schrieb") && !strings.Contains(window, "wrote") {
		return header{}, 0, false
	}
	joined := strings.TrimSpace(lines[i])
	for k := 0; k < 3 && i+k < len(lines); k++ {
		if k > 0 {
			joined += " " + strings.TrimSpace(lines[i+k])
		}
		if h, ok := parseAttribution(joined, loc); ok {
			return h, k + 1, true
		}
	}
	return header{}, 0, false
}

func isFromKey(k string) bool {
	k = strings.ToLower(k)
	return k == "von" || k == "from"
}

func (h header) hasDateOrSubject() bool { return !h.Date.IsZero() || h.Subject != "" }

// maxHeaderFields bounds a quote header; a longer run of "Key:" lines is
// text, and reading it again from every line would cost quadratic time.
const maxHeaderFields = 20

// readHeaderBlock reads "Key: value" lines up to the first blank line after
// them and returns the header and the number of lines used.
func readHeaderBlock(lines []string, loc *time.Location) (header, int) {
	var h header
	i, fields, lastKey := 0, 0, ""
	// A blank line or two may separate the separator from the fields.
	for i < len(lines) && i < 2 && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	for ; i < len(lines); i++ {
		l := lines[i]
		if strings.TrimSpace(l) == "" {
			break
		}
		if i >= 2*maxHeaderFields {
			return header{}, 0
		}
		m := headerField.FindStringSubmatch(l)
		if m == nil {
			if fields == 0 {
				return header{}, 0
			}
			// A wrapped recipient list continues the previous field.
			if lastKey == "an" || lastKey == "to" || lastKey == "cc" {
				continue
			}
			break
		}
		fields++
		if fields > maxHeaderFields {
			return header{}, 0
		}
		lastKey = strings.ToLower(m[1])
		v := strings.TrimSpace(m[2])
		switch lastKey {
		case "von", "from":
			h.Name, h.Addr = parseSender(v)
		case "gesendet", "sent", "datum", "date":
			h.Date = parseDate(v, loc)
		case "betreff", "subject":
			h.Subject = v
		}
	}
	if fields == 0 {
		return header{}, 0
	}
	return h, i
}

// parseAttribution reads "Am … schrieb …:" and "On … wrote:" lines.
func parseAttribution(s string, loc *time.Location) (header, bool) {
	if m := attribDE.FindStringSubmatch(s); m != nil {
		name, addr := parseSender(m[2])
		return header{Name: name, Addr: addr, Date: parseDate(strings.TrimSuffix(m[1], ","), loc)}, true
	}
	if m := attribEN.FindStringSubmatch(s); m != nil {
		// The date holds commas too ("On 3. Nov 2026, at 14:02, …"); the
		// sender follows the first comma whose left side reads as a date
		// with its time, or else as a date.
		body := m[1]
		cut, date := -1, time.Time{}
		for i := 0; i < len(body); i++ {
			if body[i] != ',' {
				continue
			}
			d := parseDate(body[:i], loc)
			if d.IsZero() {
				continue
			}
			if clock.MatchString(body[:i]) {
				cut, date = i, d
				break
			}
			if cut < 0 {
				cut, date = i, d
			}
		}
		if cut >= 0 {
			name, addr := parseSender(body[cut+1:])
			return header{Name: name, Addr: addr, Date: date}, true
		}
		if j := strings.LastIndex(body, ","); j >= 0 {
			name, addr := parseSender(body[j+1:])
			return header{Name: name, Addr: addr}, true
		}
		return header{}, false
	}
	if m := attribENRev.FindStringSubmatch(s); m != nil {
		name, addr := parseSender(m[1])
		return header{Name: name, Addr: addr, Date: parseDate(m[2], loc)}, true
	}
	return header{}, false
}

var (
	angleAddr  = regexp.MustCompile(`<\s*(?:mailto:)?([^<>\s]+@[^<>\s]+)\s*>`)
	mailtoAddr = regexp.MustCompile(`(?i)\[\s*mailto:([^\]\s]+@[^\]\s]+)\s*\]`)
	bareAddr   = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
)

// parseSender reads a sender as written in a quote header: "Name <addr>",
// "Name [mailto:addr]", a bare address, or a name alone.
func parseSender(v string) (name, addr string) {
	v = strings.TrimSpace(v)
	switch {
	case angleAddr.MatchString(v):
		m := angleAddr.FindStringSubmatchIndex(v)
		addr = v[m[2]:m[3]]
		v = v[:m[0]] + v[m[1]:]
	case mailtoAddr.MatchString(v):
		m := mailtoAddr.FindStringSubmatchIndex(v)
		addr = v[m[2]:m[3]]
		v = v[:m[0]] + v[m[1]:]
	case bareAddr.MatchString(v):
		m := bareAddr.FindStringIndex(v)
		addr = v[m[0]:m[1]]
		v = v[:m[0]] + v[m[1]:]
	}
	name = strings.Trim(strings.TrimSpace(v), `"'`+" ")
	if addr != "" && strings.EqualFold(name, addr) {
		name = ""
	}
	return name, strings.ToLower(addr)
}

// unquote removes one level of ">" quoting from the quoted lines.
func unquote(lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		t := strings.TrimLeft(l, " ")
		if strings.HasPrefix(t, ">") {
			t = strings.TrimPrefix(t[1:], " ")
			out = append(out, t)
			continue
		}
		out = append(out, l)
	}
	return out
}

// unquoteIfQuoted unquotes a message body that is quoted as a whole.
func unquoteIfQuoted(lines []string) []string {
	quoted, plain := 0, 0
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
		case strings.HasPrefix(t, ">"):
			quoted++
		default:
			plain++
		}
	}
	if quoted > 0 && plain == 0 {
		return unquote(lines)
	}
	return lines
}

// tailCounts counts, for each line, the quoted and the plain non-blank
// lines from it to the end, so that the splitter stays linear.
func tailCounts(lines []string) (quoted, plain []int) {
	quoted = make([]int, len(lines)+1)
	plain = make([]int, len(lines)+1)
	for i := len(lines) - 1; i >= 0; i-- {
		quoted[i], plain[i] = quoted[i+1], plain[i+1]
		t := strings.TrimSpace(lines[i])
		switch {
		case t == "":
		case strings.HasPrefix(t, ">"):
			quoted[i]++
		default:
			plain[i]++
		}
	}
	return quoted, plain
}
