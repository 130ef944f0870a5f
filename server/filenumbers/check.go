package filenumbers

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/markdown"
)

// Bounds of a pattern as typed.
const (
	MaxLabel   = 60
	MaxPattern = 200
	MaxURL     = 500
	// MaxPerAgency bounds the patterns of one agency: each is run over
	// every text rendered in its spaces.
	MaxPerAgency = 20
	// Placeholder stands for the file number in a URL template.
	Placeholder = "{nr}"
)

// Input is a pattern as an admin typed it.
type Input struct {
	Label       string
	Pattern     string
	URLTemplate string
}

// plainWords are ordinary words and numbers that no pattern of file
// numbers may match as a whole: one that does would turn ordinary text
// into links.
var plainWords = []string{"a", "A", "x", "1", "12", "2026", "Akte", "und", "der", "Antrag", "Verwaltung"}

// plainSentence is ordinary text with a date, numbers and abbreviations,
// in which a pattern must find nothing.
const plainSentence = "Der Antrag vom 12.03.2026 (Nr. 4, S. 17) wurde am 3. März 2026 in 45 Tagen bearbeitet, siehe § 35 VwVfG und Art. 3 GG."

// Check reads an input and compiles its pattern. It returns the problems
// by field, each an *errs.Error a person can read, so that a form shows
// all of them at once.
func Check(in Input) (*regexp.Regexp, []*errs.Error) {
	var problems []*errs.Error
	if e := errs.Length("label", in.Label, MaxLabel); e != nil {
		problems = append(problems, e)
	}
	re, problem := checkPattern(in.Pattern)
	if problem != nil {
		problems = append(problems, problem.OnField("pattern"))
	}
	if problem := checkURL(in.URLTemplate); problem != nil {
		problems = append(problems, problem.OnField("url"))
	}
	return re, problems
}

func checkPattern(expr string) (*regexp.Regexp, *errs.Error) {
	if expr == "" {
		return nil, errs.E(errs.Invalid, "form.required")
	}
	if utf8.RuneCountInString(expr) > MaxPattern {
		return nil, errs.E(errs.Invalid, "form.too_long", "Max", MaxPattern)
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		// The parser's own words name the place ("missing closing )").
		return nil, errs.E(errs.Invalid, "filenumbers.pattern_invalid", "Error", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	if re.MatchString("") {
		return nil, errs.E(errs.Invalid, "filenumbers.pattern_empty")
	}
	whole := regexp.MustCompile(`^(?:` + expr + `)$`)
	for _, w := range plainWords {
		if whole.MatchString(w) {
			return nil, errs.E(errs.Invalid, "filenumbers.pattern_broad", "Sample", w)
		}
	}
	set := &markdown.FileNumbers{Patterns: []markdown.FileNumberPattern{{Expr: re}}}
	if found := set.Find(plainSentence); len(found) > 0 {
		return nil, errs.E(errs.Invalid, "filenumbers.pattern_broad", "Sample", found[0].Text)
	}
	return re, nil
}

func checkURL(tmpl string) *errs.Error {
	switch {
	case tmpl == "":
		return errs.E(errs.Invalid, "form.required")
	case utf8.RuneCountInString(tmpl) > MaxURL:
		return errs.E(errs.Invalid, "form.too_long", "Max", MaxURL)
	case !strings.Contains(tmpl, Placeholder):
		return errs.E(errs.Invalid, "filenumbers.url_placeholder")
	}
	u, err := url.Parse(strings.ReplaceAll(tmpl, Placeholder, "1"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		strings.ContainsAny(tmpl, " \t\r\n\"'<>\\") {
		return errs.E(errs.Invalid, "filenumbers.url_invalid")
	}
	return nil
}
