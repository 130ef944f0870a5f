package mailthread

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var months = map[string]time.Month{
	"jan": 1, "januar": 1, "january": 1, "jän": 1, "jänner": 1,
	"feb": 2, "februar": 2, "february": 2,
	"mär": 3, "mrz": 3, "märz": 3, "mar": 3, "march": 3,
	"apr": 4, "april": 4,
	"mai": 5, "may": 5,
	"jun": 6, "juni": 6, "june": 6,
	"jul": 7, "juli": 7, "july": 7,
	"aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9,
	"okt": 10, "oct": 10, "oktober": 10, "october": 10,
	"nov": 11, "november": 11,
	"dez": 12, "dec": 12, "dezember": 12, "december": 12,
}

var (
	dateNumeric = regexp.MustCompile(`(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})\b`)
	dateISO     = regexp.MustCompile(`(\d{4})-(\d{2})-(\d{2})`)
	dateUS      = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})/(\d{4})\b`)
	dateDayMon  = regexp.MustCompile(`(?i)\b(\d{1,2})\.?\s+([a-zäö]{3,9})\.?,?\s+(\d{4})\b`)
	dateMonDay  = regexp.MustCompile(`(?i)\b([a-zäö]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b`)
	clock       = regexp.MustCompile(`(?i)\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm|vorm\.|nachm\.)?`)
	zoneOffset  = regexp.MustCompile(`([+-])(\d{2}):?(\d{2})\b`)
)

// parseDate reads the date forms mail clients write into quote headers, in
// German and English; it returns the zero time for anything else.
func parseDate(s string, loc *time.Location) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(s); err == nil {
		return t
	}
	y, mo, d, ok := findDay(s)
	if !ok || y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}
	}
	h, mi, sec := 0, 0, 0
	if m := clock.FindStringSubmatch(s); m != nil {
		h, _ = strconv.Atoi(m[1])
		mi, _ = strconv.Atoi(m[2])
		sec, _ = strconv.Atoi(m[3])
		switch strings.ToLower(m[4]) {
		case "pm", "nachm.":
			if h < 12 {
				h += 12
			}
		case "am", "vorm.":
			if h == 12 {
				h = 0
			}
		}
		if h > 23 || mi > 59 || sec > 59 {
			return time.Time{}
		}
	}
	zone := loc
	if m := zoneOffset.FindStringSubmatch(s); m != nil && strings.Contains(s, ":") {
		oh, _ := strconv.Atoi(m[2])
		om, _ := strconv.Atoi(m[3])
		off := oh*3600 + om*60
		if m[1] == "-" {
			off = -off
		}
		zone = time.FixedZone("", off)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, zone)
	if t.Day() != d {
		// 31 February and the like.
		return time.Time{}
	}
	return t
}

func findDay(s string) (y, mo, d int, ok bool) {
	atoi := func(v string) int { n, _ := strconv.Atoi(v); return n }
	if m := dateISO.FindStringSubmatch(s); m != nil {
		return atoi(m[1]), atoi(m[2]), atoi(m[3]), true
	}
	if m := dateNumeric.FindStringSubmatch(s); m != nil {
		y = atoi(m[3])
		if len(m[3]) == 2 {
			y += 2000
		}
		return y, atoi(m[2]), atoi(m[1]), true
	}
	if m := dateUS.FindStringSubmatch(s); m != nil {
		return atoi(m[3]), atoi(m[1]), atoi(m[2]), true
	}
	if m := dateDayMon.FindStringSubmatch(s); m != nil {
		if mon, found := months[strings.ToLower(m[2])]; found {
			return atoi(m[3]), int(mon), atoi(m[1]), true
		}
	}
	if m := dateMonDay.FindStringSubmatch(s); m != nil {
		if mon, found := months[strings.ToLower(m[1])]; found {
			return atoi(m[3]), int(mon), atoi(m[2]), true
		}
	}
	return 0, 0, 0, false
}
