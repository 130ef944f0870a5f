package importer

import (
	"strings"
	"unicode/utf8"
)

// maxDisplayName is the limit of accounts.display_name.
const maxDisplayName = 200

// readUsers returns the display names of the wanted dump users from
// Users.xml; rf may be nil (no file). Nothing else about a person is
// taken: no reputation, location, about text or web site. Malformed rows
// are returned as problems (they belong to no thread: a post whose user
// is unknown shows the name the post carries). The error is a *Problem
// when the file is not well-formed.
func readUsers(rf *rowFile, want map[int64]bool) (map[int64]string, []*Problem, error) {
	names := map[int64]string{}
	if rf == nil {
		return names, nil, nil
	}
	var problems []*Problem
	err := rf.scan(func(_ rowRef, a *attrs) {
		id, ok := a.num("Id", true)
		if !ok {
			problems = append(problems, a.err)
			return
		}
		if want[id] {
			if name := cleanName(a.str("DisplayName")); name != "" {
				names[id] = name
			}
		}
	})
	return names, problems, err
}

// cleanName collapses white space and cuts a name to what an account
// takes.
func cleanName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxDisplayName {
		s = string([]rune(s)[:maxDisplayName])
	}
	return s
}
