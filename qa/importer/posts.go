package importer

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Post types in Posts.xml; the others (tag wikis, nominations …) are not
// Q&A and are left out.
const (
	typeQuestion = 1
	typeAnswer   = 2
)

// postRef is a question or answer found by the first pass.
type postRef struct {
	id int64
	rowRef
}

// postIndex is what the first pass over Posts.xml keeps: where each
// question and answer is and which answers belong to which question.
// Bodies stay in the file until their thread is imported.
type postIndex struct {
	questions  []postRef            // in file order
	isQuestion map[int64]bool       // question ids
	answers    map[int64][]postRef  // by question id
	parentOf   map[int64]int64      // answer id → question id
	problems   map[int64][]*Problem // by question id: rows of that thread that are malformed
	loose      []*Problem           // malformed rows that belong to no thread
	users      map[int64]bool       // dump users the posts name
}

// indexPosts reads Posts.xml once. The error is a *Problem when the file
// is not well-formed; the rows before that line are indexed.
func indexPosts(rf *rowFile) (*postIndex, error) {
	ix := &postIndex{
		isQuestion: map[int64]bool{},
		answers:    map[int64][]postRef{},
		parentOf:   map[int64]int64{},
		problems:   map[int64][]*Problem{},
		users:      map[int64]bool{},
	}
	err := rf.scan(func(ref rowRef, a *attrs) {
		typ, typeOK := a.num("PostTypeId", true)
		if typeOK && typ != typeQuestion && typ != typeAnswer {
			return
		}
		id, idOK := a.num("Id", true)
		parent, parentOK := int64(0), false
		if !typeOK || typ == typeAnswer {
			parent, parentOK = a.num("ParentId", typ == typeAnswer)
		}
		switch {
		case a.err != nil:
			// Blame the thread the row belongs to, if that can be told.
			switch {
			case parentOK:
				ix.problems[parent] = append(ix.problems[parent], a.err)
			case idOK && typ == typeQuestion:
				ix.problems[id] = append(ix.problems[id], a.err)
			default:
				ix.loose = append(ix.loose, a.err)
			}
			return
		case typ == typeQuestion:
			ix.questions = append(ix.questions, postRef{id, ref})
			ix.isQuestion[id] = true
		default:
			ix.answers[parent] = append(ix.answers[parent], postRef{id, ref})
			ix.parentOf[id] = parent
		}
		// Only to know whom to look up in Users.xml; the second pass
		// checks these attributes.
		for _, name := range []string{"OwnerUserId", "LastEditorUserId"} {
			if u := a.user(name); u.Set {
				ix.users[u.ID] = true
			}
		}
	})
	ix.settle()
	return ix, err
}

// settle reports answers and problems whose question is not in the file.
func (ix *postIndex) settle() {
	for parent, refs := range ix.answers {
		if ix.isQuestion[parent] {
			continue
		}
		for _, ref := range refs {
			ix.loose = append(ix.loose, &Problem{File: "Posts.xml", Line: ref.line,
				Msg: "answer " + itoa(ref.id) + " belongs to question " + itoa(parent) + ", which is not in the file"})
			delete(ix.parentOf, ref.id)
		}
		delete(ix.answers, parent)
	}
	for id, list := range ix.problems {
		if !ix.isQuestion[id] {
			ix.loose = append(ix.loose, list...)
			delete(ix.problems, id)
		}
	}
}

// threadOf returns the question a post belongs to.
func (ix *postIndex) threadOf(postID int64) (int64, bool) {
	if ix.isQuestion[postID] {
		return postID, true
	}
	q, ok := ix.parentOf[postID]
	return q, ok
}

// post is a question or an answer as the dump has it.
type post struct {
	ID               int64
	ParentID         int64
	AcceptedAnswerID int64 // 0: none
	Created          time.Time
	Edited           time.Time // zero: never edited
	Activity         time.Time // zero: not given
	Closed           time.Time // zero: open
	Score            int
	Title            string
	HTML             string
	Tags             []string
	Owner, Editor    userRef
	OwnerName        string // OwnerDisplayName, for users missing from Users.xml
	EditorName       string
	line             int
}

// Limits of migration 0006.
const (
	minTitle   = 5
	maxTitle   = 200
	maxBody    = 100000
	maxComment = 2000
)

// parsePost reads all fields of a question or answer row.
func parsePost(a *attrs, question bool) (post, *Problem) {
	p := post{line: a.line}
	p.ID, _ = a.num("Id", true)
	if !question {
		p.ParentID, _ = a.num("ParentId", true)
	}
	p.Created = a.time("CreationDate", true)
	p.Edited = a.time("LastEditDate", false)
	p.Activity = a.time("LastActivityDate", false)
	if score, ok := a.num("Score", false); ok {
		if score < math.MinInt32 || score > math.MaxInt32 {
			a.fail("attribute Score is out of range: %d", score)
		}
		p.Score = int(score)
	}
	p.HTML = a.str("Body")
	p.Owner, p.OwnerName = a.user("OwnerUserId"), strings.TrimSpace(a.str("OwnerDisplayName"))
	p.Editor, p.EditorName = a.user("LastEditorUserId"), strings.TrimSpace(a.str("LastEditorDisplayName"))
	if question {
		p.AcceptedAnswerID, _ = a.num("AcceptedAnswerId", false)
		p.Closed = a.time("ClosedDate", false)
		p.Title = strings.Join(strings.Fields(a.str("Title")), " ")
		if n := utf8.RuneCountInString(p.Title); n < minTitle || n > maxTitle {
			a.fail("attribute Title must have %d to %d characters, has %d", minTitle, maxTitle, n)
		}
		p.Tags = parseTags(a.str("Tags"))
	}
	return p, a.err
}

// parseTags splits the Tags attribute: "<a><b>" in older dumps, "|a|b|"
// in newer ones.
func parseTags(s string) []string {
	s = strings.TrimSpace(s)
	var parts []string
	switch {
	case s == "":
		return nil
	case strings.HasPrefix(s, "<"):
		parts = strings.Split(strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">"), "><")
	case strings.HasPrefix(s, "|"):
		parts = strings.Split(strings.Trim(s, "|"), "|")
	default:
		parts = strings.Fields(s)
	}
	tags := parts[:0]
	for _, t := range parts {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}
