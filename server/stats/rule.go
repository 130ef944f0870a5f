package stats

import (
	"strconv"
)

// Rule is the release rule, a pure function of the weekly counts, so that
// a property test can run it against an adversary without a database.
//
// Why released figures cannot be combined to single out fewer than k
// people:
//   - Every item counts in exactly one scope (ScopeOf): no two figures of
//     the same item describe nested groups of people, so no difference of
//     two scopes isolates the people in one and not the other.
//   - A scope releases nothing unless at least MinPopulation people could
//     stand behind its figures.
//   - A band's lower bound never exceeds population − k + 1: "at least lo
//     of N" then leaves every group of fewer than k people possibly empty.
//     A count above that shows as an open band starting lower ("5+").
//   - Lists are ordered by band, never by raw counts.
//   - Figures that are subsets of others in the same scope (content gaps
//     of a search) or of other weeks or days concern the same population;
//     their differences bound a group by at most the larger figure's lower
//     bound, which the cap above already keeps safe.
type Rule struct{ K int }

// MinPopulation is the fewest people a scope needs for any figure.
func (r Rule) MinPopulation() int { return max(10, 2*r.K) }

// Band is a released range of people: from Lo to below Hi, or open (Hi
// 0). The zero Band is "nothing released".
type Band struct{ Lo, Hi int }

// String is the band as shown: "5–10", "10–25", "25+", or "" for none.
func (b Band) String() string {
	switch {
	case b.Lo == 0:
		return ""
	case b.Hi == 0:
		return strconv.Itoa(b.Lo) + "+"
	}
	return strconv.Itoa(b.Lo) + "–" + strconv.Itoa(b.Hi)
}

// lowers are the lower bounds of the bands, k first.
func (r Rule) lowers() []int {
	out := []int{r.K}
	for _, lo := range []int{10, 25} {
		if lo > r.K {
			out = append(out, lo)
		}
	}
	return out
}

// Band is what is released of people distinct people in a scope of
// population people.
func (r Rule) Band(people, population int) Band {
	if people < r.K || population < r.MinPopulation() {
		return Band{}
	}
	lowers := r.lowers()
	var b Band
	for i, lo := range lowers {
		if people >= lo {
			b = Band{Lo: lo}
			if i+1 < len(lowers) {
				b.Hi = lowers[i+1]
			}
		}
	}
	limit := population - r.K + 1
	if b.Lo <= limit {
		return b
	}
	// Too many of too few: say less.
	b = Band{}
	for _, lo := range lowers {
		if lo <= limit {
			b.Lo = lo
		}
	}
	return b
}

// ScopeOf is the one scope an item counts in: a page or question in its
// space's, whoever reads it; searches, content gaps and topics, which
// belong to no space, in the agency of the person.
func ScopeOf(kind string, spaceID, agencyID int64) string {
	if kind == Page || kind == Question {
		if spaceID == 0 {
			return ""
		}
		return SpaceScope(spaceID)
	}
	if agencyID == 0 {
		return ""
	}
	return AgencyScope(agencyID)
}

// AgencyScope names the scope of searches, content gaps and topic views
// of one agency's people.
func AgencyScope(agencyID int64) string { return "agency:" + strconv.FormatInt(agencyID, 10) }

// SpaceScope names the scope of one space's pages and questions.
func SpaceScope(spaceID int64) string { return "space:" + strconv.FormatInt(spaceID, 10) }

// Scope names what the API and the trends page offer: the viewer's agency
// (agencyID), or with 0 the instance, which releases no searches, content
// gaps or topics of its own (they count in their agency only) and the same
// figures of pages and questions as any other choice.
func Scope(agencyID int64) string {
	if agencyID == 0 {
		return "instance"
	}
	return AgencyScope(agencyID)
}
