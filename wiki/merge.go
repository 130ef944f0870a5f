package wiki

import "strings"

// Conflict is a part of a page that both sides changed, each differently.
type Conflict struct {
	Field  string // "body", "title", "owner", "parent", "review" or "template"
	Base   string
	Ours   string
	Theirs string
}

// Merged is the result of a three-way merge. Text holds every change of
// both sides; where they overlap, it holds our version followed by theirs,
// so that saving it loses neither.
type Merged struct {
	Text      string
	Conflicts []Conflict
}

// hunk replaces the base lines [start, end) by lines.
type hunk struct {
	start, end int
	lines      []string
}

// Merge3 merges two texts that were both derived from base, line by line
// as diff3 does: changes in separate places are combined, the same change
// made on both sides counts once, and changes that overlap are conflicts.
func Merge3(base, ours, theirs string) Merged {
	if ours == theirs || theirs == base {
		return Merged{Text: ours}
	}
	if ours == base {
		return Merged{Text: theirs}
	}
	b := splitLines(withNewline(base))
	o, t := hunksOf(b, splitLines(withNewline(ours))), hunksOf(b, splitLines(withNewline(theirs)))
	var out strings.Builder
	var conflicts []Conflict
	pos, i, j := 0, 0, 0
	for i < len(o) || j < len(t) {
		var og, tg []hunk
		var start, end int
		if j >= len(t) || (i < len(o) && before(o[i], t[j])) {
			og, start, end, i = append(og, o[i]), o[i].start, o[i].end, i+1
		} else {
			tg, start, end, j = append(tg, t[j]), t[j].start, t[j].end, j+1
		}
		// A group is a run of hunks of either side that overlap, or that
		// insert at the same place. Hunks that only touch stay apart: a
		// change to one line and a change to the next merge.
		joins := func(h hunk) bool {
			return h.start < end || (h.start == h.end && start == end && h.start == start)
		}
		for {
			if i < len(o) && joins(o[i]) {
				og, end, i = append(og, o[i]), max(end, o[i].end), i+1
				continue
			}
			if j < len(t) && joins(t[j]) {
				tg, end, j = append(tg, t[j]), max(end, t[j].end), j+1
				continue
			}
			break
		}
		out.WriteString(strings.Join(b[pos:start], ""))
		mine, theirsPart := apply(b, start, end, og), apply(b, start, end, tg)
		switch {
		case len(tg) == 0 || mine == theirsPart:
			out.WriteString(mine)
		case len(og) == 0:
			out.WriteString(theirsPart)
		default:
			out.WriteString(both(mine, theirsPart))
			conflicts = append(conflicts, Conflict{Field: "body", Base: strings.Join(b[start:end], ""), Ours: mine, Theirs: theirsPart})
		}
		pos = end
	}
	out.WriteString(strings.Join(b[pos:], ""))
	return Merged{Text: out.String(), Conflicts: conflicts}
}

// before orders hunks by place, an insertion before a change at the same
// line.
func before(a, b hunk) bool {
	return a.start < b.start || (a.start == b.start && a.end <= b.end)
}

// MergeValue merges a single value such as a title: a change on one side
// wins; different changes on both sides conflict, and ours is kept.
func MergeValue(base, ours, theirs string) (string, bool) {
	switch {
	case ours == theirs || theirs == base:
		return ours, false
	case ours == base:
		return theirs, false
	}
	return ours, true
}

// MergeSet merges two edits of a set, such as a page's topics: what
// either side added is in, what either side removed is out.
func MergeSet(base, ours, theirs []string) []string {
	in := func(list []string, s string) bool {
		for _, x := range list {
			if strings.EqualFold(x, s) {
				return true
			}
		}
		return false
	}
	var out []string
	for _, s := range append(append([]string{}, ours...), theirs...) {
		if in(out, s) {
			continue
		}
		removed := in(base, s) && (!in(ours, s) || !in(theirs, s))
		if !removed {
			out = append(out, s)
		}
	}
	return out
}

// both joins two versions of a conflicting part as separate paragraphs.
func both(ours, theirs string) string {
	if ours == "" || theirs == "" {
		return ours + theirs
	}
	ours = withNewline(ours)
	if !strings.HasSuffix(ours, "\n\n") {
		ours += "\n"
	}
	return ours + theirs
}

// apply is base[start:end] with the hunks of one side applied.
func apply(b []string, start, end int, hs []hunk) string {
	var sb strings.Builder
	pos := start
	for _, h := range hs {
		sb.WriteString(strings.Join(b[pos:h.start], ""))
		sb.WriteString(strings.Join(h.lines, ""))
		pos = h.end
	}
	sb.WriteString(strings.Join(b[pos:end], ""))
	return sb.String()
}

// hunksOf lists the changes that turn base into other, in base order.
func hunksOf(base, other []string) []hunk {
	changes, _ := diffTokens(base, other, diffTimeout, false)
	var hs []hunk
	pos, open := 0, false
	for _, c := range changes {
		lines := splitLines(c.Text)
		if c.Op == "equal" {
			pos += len(lines)
			open = false
			continue
		}
		if !open {
			hs = append(hs, hunk{start: pos, end: pos})
			open = true
		}
		h := &hs[len(hs)-1]
		if c.Op == "delete" {
			h.end += len(lines)
			pos += len(lines)
		} else {
			h.lines = append(h.lines, lines...)
		}
	}
	return hs
}

func withNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
