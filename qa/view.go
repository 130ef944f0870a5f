package qa

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/drafts"
	"github.com/fachnetz/fachnetz/server/markdown"
	"github.com/fachnetz/fachnetz/server/web"
)

// post is a question or an answer as the page shows it.
type post struct {
	Type       string // "question" or "answer"
	ID         int64
	AuthorName string
	HTML       template.HTML
	Score      int
	MyVote     int
	Own        bool
	Accepted   bool
	CanEdit    bool
	CanDelete  bool
	Comments   []Comment
	CreatedAt  any
}

type viewPage struct {
	Question    Question
	Post        post
	Answers     []post
	Topics      []Topic
	Duplicate   *Question
	Permissions policies.Permissions
	CanAccept   bool
	CanPromote  bool
	Archived    bool
	Watch       any // the watch button
	Answer      *frontend.Form
	AnswerDraft drafts.Editor
	Preview     template.HTML  // the answer rendered, after "Vorschau" without JavaScript
	Invite      *frontend.Form // the invitation form with an error
	Close       *frontend.Form
	CommentOn   string // "question-1" or "answer-7": the comment form with an error
	Comment     *frontend.Form
	Notice      string
	Experts     []Expert
	Invited     string
	Files       []MailFile // the question's attachments, kept from a mail
	// FileNumbers are the file numbers the question and its answers
	// link, for the list "Akten".
	FileNumbers []markdown.FileNumber
}

// authorName is who wrote a post: the account's name, "extern" for a
// sender of a mail without an account, or "" for an account erased.
func (b *Board) authorName(c *gin.Context, name string, id *int64, fromMail bool) string {
	if id == nil && fromMail {
		return b.web.T(c, "qa.mail.extern")
	}
	return name
}

func (b *Board) render(c *gin.Context, text, prefix string, spaceID int64) (markdown.Result, error) {
	return b.renderText(c, text, prefix, spaceID, false)
}

// renderText is render; once marks text not saved yet, rendered once.
// The file numbers linked are those of the agency of spaceID.
func (b *Board) renderText(c *gin.Context, text, prefix string, spaceID int64, once bool) (markdown.Result, error) {
	ctx := c.Request.Context()
	var glossary []markdown.Term
	if b.deps.Glossary != nil {
		var err error
		if glossary, err = b.deps.Glossary(ctx); err != nil {
			return markdown.Result{}, err
		}
	}
	var files *markdown.FileNumbers
	if b.deps.FileNumbers != nil && spaceID != 0 {
		var err error
		if files, err = b.deps.FileNumbers(ctx, spaceID); err != nil {
			return markdown.Result{}, err
		}
	}
	return b.md.Render(text, markdown.Options{Glossary: glossary, IDPrefix: prefix, Once: once,
		FileNumbers: files, FileNumberHint: b.web.T(c, "filenumbers.hint")})
}

// fileNumbers gathers the file numbers of the posts of a page, each once.
func fileNumbers(into []markdown.FileNumber, found []markdown.FileNumber) []markdown.FileNumber {
	for _, f := range found {
		if !slices.ContainsFunc(into, func(g markdown.FileNumber) bool { return g.Text == f.Text }) {
			into = append(into, f)
		}
	}
	return into
}

func (b *Board) view(c *gin.Context) {
	if q := questionOf(c); b.deps.Seen != nil {
		b.deps.Seen(c, "question", strconv.FormatInt(q.ID, 10), q.SpaceID)
	}
	b.renderView(c, http.StatusOK, viewPage{Notice: c.Query("hinweis")})
}

// renderView shows a question with its answers: the accepted one first,
// then by score. Forms that failed come back in page with their input.
func (b *Board) renderView(c *gin.Context, status int, page viewPage) {
	ctx, q, v := c.Request.Context(), questionOf(c), web.ViewerOf(c)
	sub := policies.SubjectOf(c)
	page.Question = q
	page.Permissions = b.spaces.PermissionsIn(ctx, sub, q.SpaceID)
	// An archived space is read-only: no button offers a change it refuses.
	page.Archived = b.spaces.Enforcer.Archived(q.SpaceID)
	live := !page.Archived
	page.CanAccept = live && ((q.AuthorID != nil && *q.AuthorID == v.ID) || page.Permissions.Moderate)
	page.CanPromote = live && q.AcceptedAnswerID != nil && q.WikiPageID == nil
	if b.deps.WatchButton != nil {
		page.Watch = b.deps.WatchButton(c, "question", q.ID)
	}
	thread, err := b.store.Thread(ctx, q, v.ID)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	votes := thread.MyVotes
	byPost := map[string][]Comment{}
	for _, cm := range thread.Comments {
		cm.CanDelete = page.Permissions.Moderate || (page.Permissions.Write && cm.AuthorID != nil && *cm.AuthorID == v.ID)
		key := "question"
		if cm.AnswerID != nil {
			key = fmt.Sprintf("answer-%d", *cm.AnswerID)
		}
		byPost[key] = append(byPost[key], cm)
	}
	res, err := b.render(c, q.Body, "q-", q.SpaceID)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	html := res.HTML
	page.FileNumbers = fileNumbers(nil, res.FileNumbers)
	own := q.AuthorID != nil && *q.AuthorID == v.ID
	if q.FromMail { // only a mail brings files to a question
		if page.Files, err = b.store.QuestionFiles(ctx, q.ID); err != nil {
			b.web.Fail(c, err)
			return
		}
	}
	page.Post = post{Type: "question", ID: q.ID, AuthorName: b.authorName(c, q.AuthorName, q.AuthorID, q.FromMail), HTML: html, Score: q.Score,
		MyVote: votes[fmt.Sprintf("question-%d", q.ID)], Own: own, CanEdit: live && (own || page.Permissions.Moderate),
		Comments: byPost["question"], CreatedAt: q.CreatedAt,
		CanDelete: page.Permissions.Moderate || (own && page.Permissions.Write && q.AnswerCount == 0)}
	for _, a := range thread.Answers {
		res, err := b.render(c, a.Body, fmt.Sprintf("a%d-", a.ID), q.SpaceID)
		if err != nil {
			b.web.Fail(c, err)
			return
		}
		html := res.HTML
		page.FileNumbers = fileNumbers(page.FileNumbers, res.FileNumbers)
		mine := a.AuthorID != nil && *a.AuthorID == v.ID
		key := fmt.Sprintf("answer-%d", a.ID)
		page.Answers = append(page.Answers, post{Type: "answer", ID: a.ID, AuthorName: b.authorName(c, a.AuthorName, a.AuthorID, a.FromMail), HTML: html, Score: a.Score,
			MyVote: votes[key], Own: mine, CanEdit: live && (mine || page.Permissions.Moderate),
			CanDelete: page.Permissions.Moderate || (mine && page.Permissions.Write),
			Accepted:  q.AcceptedAnswerID != nil && *q.AcceptedAnswerID == a.ID, Comments: byPost[key], CreatedAt: a.CreatedAt})
	}
	page.Topics = thread.Topics
	if b.deps.Experts != nil && len(page.Topics) > 0 && page.Permissions.Write && !q.Closed() {
		experts, err := b.deps.Experts(c, topicIDs(page.Topics), 4)
		if err != nil {
			b.web.Fail(c, err)
			return
		}
		for _, e := range experts { // the asker and answerers know already
			if e.Name != q.AuthorName && !answeredBy(page.Answers, e.Name) {
				page.Experts = append(page.Experts, e)
			}
		}
	}
	page.Invited = c.Query("eingeladen")
	if q.DuplicateOf != nil {
		if d, err := b.store.QuestionByID(ctx, *q.DuplicateOf); err == nil && b.spaces.Check(ctx, sub, policies.Read, d.SpaceID) == nil {
			b.showWiki(ctx, sub, &d)
			page.Duplicate = &d
		}
	}
	if page.Answer == nil {
		page.Answer = frontend.NewForm()
	}
	page.AnswerDraft = b.openDraft(c, answerDraft(q), QuestionURL(q.ID), page.Answer)
	if page.Close == nil {
		page.Close = frontend.NewForm()
	}
	if page.Comment == nil {
		page.Comment = frontend.NewForm()
	}
	b.web.Render(c, status, "qa/question", q.Title, page)
}

func answeredBy(answers []post, name string) bool {
	for _, a := range answers {
		if a.AuthorName == name {
			return true
		}
	}
	return false
}
