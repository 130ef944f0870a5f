package mailthread

import (
	"regexp"
	"strings"
)

var (
	subjectPrefix = regexp.MustCompile(`(?i)^\s*((re|aw|wg|fwd?|fw|antw|wtr|tr|sv|vs)\s*(\[\d+\]|\(\d+\))?\s*:\s*)+`)
	greeting      = regexp.MustCompile(`(?i)^(hallo|hi|hey|moin|servus|grüß gott|guten (morgen|tag|abend)|liebe[rs]?|sehr geehrte[rs]?|dear|hello|good (morning|afternoon|evening))\b`)
	closing       = regexp.MustCompile(`(?i)^(((mit )?(viele|beste|liebe|freundliche|herzliche|sonnige|schöne|kollegiale)n? grü(ß|ss)e)|(mit (den )?(besten|freundlichen|kollegialen) grü(ß|ss)en)|grü(ß|ss)e|gru(ß|ss)|mfg|vg|lg|bg|((vielen )?dank(e)?( und| &) .*grü(ß|ss)e)|((vielen )?dank(e)?( schön| sehr)?( schon)?( im voraus)?)|((best|kind|warm|warmest) (regards|wishes))|regards|best|cheers|thanks( again| a lot| in advance)?|many thanks|thank you( very much)?)(?:$|[^\p{L}\p{N}])`)
	sigDelimiter  = regexp.MustCompile(`^--\s*$|^__\s*$`)
	mobileSig     = regexp.MustCompile(`(?i)^(von meinem .* gesendet|gesendet von .*|sent from my .*|get outlook for .*|outlook für .* beziehen)$`)
	disclaimer    = regexp.MustCompile(`(?i)(vertraulich|confidential|privileged|intended recipient|richtige adressat|falsche(n)? adressat|irrtümlich|in error|unbefugte|unauthori[sz]ed|denken sie an die umwelt|consider the environment|before printing|ausdrucken)`)
	contactLine   = regexp.MustCompile(`(?i)^(tel|telefon|phone|fon|fax|mobil|mobile|handy|e-?mail|mail|web|internet|www\.|https?://|raum|zimmer|room|postanschrift|hausanschrift|besucheranschrift)\b|^\+?\d[\d /()\-]{6,}$|\b\d{5}\s+\p{Lu}\p{L}+|(straße|str\.|platz|allee|weg|ring)\s+\d+|^\S+@\S+$|\b(raum|zimmer|room)\s+[A-Z]?\d`)
	cidLine       = regexp.MustCompile(`^\[cid:[^\]]*\]$`)
)

// CleanSubject removes reply and forward prefixes ("Re:", "AW:", "WG:",
// "Fwd:", "FW:", "Antw:") however often they repeat.
func CleanSubject(s string) string {
	return strings.TrimSpace(subjectPrefix.ReplaceAllString(strings.TrimSpace(s), ""))
}

// Clean keeps the substance of one message body: it removes the greeting,
// the closing with the signature below it, a "-- " signature, legal
// disclaimers and mobile-client lines, and keeps the line structure.
func Clean(body string) string {
	lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\u00a0")
	}
	for i, l := range lines {
		if sigDelimiter.MatchString(l) {
			lines = lines[:i]
			break
		}
	}
	lines = dropLines(lines, func(t string) bool { return cidLine.MatchString(t) || mobileSig.MatchString(t) })
	lines = dropDisclaimers(lines)
	lines = trimBlank(lines)
	if len(lines) > 0 && isGreeting(lines[0]) {
		lines = trimBlank(lines[1:])
	}
	lines = cutClosing(lines)
	lines = dropContactTail(lines)
	return strings.Join(collapseBlank(trimBlank(lines)), "\n")
}

func isGreeting(l string) bool {
	t := strings.TrimSpace(l)
	if !greeting.MatchString(t) || len([]rune(t)) > 80 {
		return false
	}
	return strings.HasSuffix(t, ",") || strings.HasSuffix(t, "!") || len(strings.Fields(t)) <= 5
}

// isClosing says whether a line is a closing formula and nothing more,
// perhaps followed by the writer's first name.
func isClosing(l string) bool {
	t := strings.TrimSpace(l)
	loc := closing.FindStringIndex(t)
	if loc == nil {
		return false
	}
	rest := strings.Trim(t[loc[1]:], " ,.!-")
	// "Viele Grüße aus Bonn" closes; "Danke für die Unterlagen" does not.
	words := 1
	if m := strings.ToLower(t[:loc[1]]); strings.Contains(m, "grü") || strings.Contains(m, "gru") || strings.Contains(m, "regards") {
		words = 4
	}
	return len(strings.Fields(rest)) <= words && !strings.ContainsAny(rest, "?")
}

// cutClosing cuts at the first closing formula below which only a short
// block follows; what follows a closing is the name and signature.
func cutClosing(lines []string) []string {
	for i, l := range lines {
		if !isClosing(l) {
			continue
		}
		rest := 0
		for _, r := range lines[i+1:] {
			if strings.TrimSpace(r) != "" {
				rest++
			}
		}
		if rest <= 15 {
			return lines[:i]
		}
	}
	return lines
}

// dropDisclaimers removes paragraphs that read as legal boilerplate.
func dropDisclaimers(lines []string) []string {
	var out, para []string
	flush := func() {
		text := strings.Join(para, " ")
		if !(disclaimer.MatchString(text) && looksLikeBoilerplate(text)) {
			out = append(out, para...)
		}
		para = para[:0]
	}
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			flush()
			out = append(out, l)
			continue
		}
		para = append(para, l)
	}
	flush()
	return out
}

// looksLikeBoilerplate tells a disclaimer from a sentence that happens to
// mention confidentiality: disclaimers speak of the message itself.
func looksLikeBoilerplate(text string) bool {
	t := strings.ToLower(text)
	for _, w := range []string{"e-mail", "email", "nachricht", "message", "umwelt", "environment", "ausdrucken", "printing"} {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

// dropContactTail removes a trailing block of name, function and contact
// lines left when a signature follows the text without a closing.
func dropContactTail(lines []string) []string {
	lines = trimBlank(lines)
	start := len(lines)
	for start > 0 && strings.TrimSpace(lines[start-1]) != "" {
		start--
	}
	if start == 0 {
		return lines
	}
	block := lines[start:]
	contacts := 0
	for _, l := range block {
		t := strings.TrimSpace(l)
		if len([]rune(t)) > 70 {
			return lines
		}
		if contactLine.MatchString(t) {
			contacts++
		}
	}
	if contacts == 0 {
		return lines
	}
	return dropContactTail(lines[:start])
}

func dropLines(lines []string, drop func(string) bool) []string {
	out := lines[:0]
	for _, l := range lines {
		if !drop(strings.TrimSpace(l)) {
			out = append(out, l)
		}
	}
	return out
}

func trimBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func collapseBlank(lines []string) []string {
	var out []string
	for i, l := range lines {
		if strings.TrimSpace(l) == "" && i > 0 && strings.TrimSpace(lines[i-1]) == "" {
			continue
		}
		out = append(out, l)
	}
	return out
}
