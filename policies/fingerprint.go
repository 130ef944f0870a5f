package policies

import (
	"crypto/sha256"
	"slices"
	"strconv"
	"strings"
)

// fingerprint identifies a rule set whatever order its rows came in. The
// process that changes a rule reloads at once, so that its next request
// sees the change, and then hears of its own change through NOTIFY like
// every other process; comparing fingerprints lets that second reload
// keep the enforcer and everything derived from it instead of building
// them again.
func fingerprint(rules [][]string, spaces map[int64]spaceState) [sha256.Size]byte {
	lines := make([]string, 0, len(rules)+len(spaces))
	for _, r := range rules {
		lines = append(lines, "g\x00"+strings.Join(r, "\x00"))
	}
	for id, st := range spaces {
		lines = append(lines, "s\x00"+strconv.FormatInt(id, 10)+"\x00"+strconv.FormatInt(st.agency, 10)+
			"\x00"+strconv.FormatBool(st.archived)+"\x00"+strconv.FormatBool(st.organisation))
	}
	slices.Sort(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
		h.Write([]byte{'\n'})
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}
