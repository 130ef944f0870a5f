package importer

import (
	"strings"
	"time"
	"unicode/utf8"
)

// commentIndex is what the first pass over Comments.xml keeps: where the
// comments of each post are.
type commentIndex struct {
	byPost   map[int64][]rowRef
	problems map[int64][]*Problem // by post id
	loose    []*Problem           // rows whose post cannot be told
	users    map[int64]bool
}

// indexComments reads Comments.xml once; rf may be nil (no file). The
// error is a *Problem when the file is not well-formed.
func indexComments(rf *rowFile) (*commentIndex, error) {
	ix := &commentIndex{byPost: map[int64][]rowRef{}, problems: map[int64][]*Problem{}, users: map[int64]bool{}}
	if rf == nil {
		return ix, nil
	}
	err := rf.scan(func(ref rowRef, a *attrs) {
		postID, postOK := a.num("PostId", true)
		a.num("Id", true)
		switch {
		case !postOK:
			ix.loose = append(ix.loose, a.err)
		case a.err != nil:
			ix.problems[postID] = append(ix.problems[postID], a.err)
		default:
			ix.byPost[postID] = append(ix.byPost[postID], ref)
			if u := a.user("UserId"); u.Set {
				ix.users[u.ID] = true
			}
		}
	})
	return ix, err
}

// comment is one comment as the dump has it. Its text is already
// Markdown (the dumps keep comments as typed, not as HTML).
type comment struct {
	ID       int64
	PostID   int64
	Text     string
	Created  time.Time
	User     userRef
	UserName string
}

func parseComment(a *attrs) (comment, *Problem) {
	c := comment{}
	c.ID, _ = a.num("Id", true)
	c.PostID, _ = a.num("PostId", true)
	c.Created = a.time("CreationDate", true)
	c.User, c.UserName = a.user("UserId"), strings.TrimSpace(a.str("UserDisplayName"))
	c.Text = strings.TrimSpace(a.str("Text"))
	switch n := utf8.RuneCountInString(c.Text); {
	case n == 0:
		a.fail("attribute Text is empty")
	case n > maxComment:
		a.fail("attribute Text has %d characters, at most %d fit", n, maxComment)
	}
	return c, a.err
}
