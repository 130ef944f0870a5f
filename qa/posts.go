package qa

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/drafts"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// answer stores an answer and tells the question's watchers.
func (b *Board) answer(c *gin.Context) {
	q, v := questionOf(c), web.ViewerOf(c)
	form := frontend.NewForm()
	form.Set("body", c.PostForm("body"))
	if wantsPreview(c) {
		b.showPreview(c, form, func(html template.HTML) { b.renderView(c, http.StatusOK, viewPage{Answer: form, Preview: html}) })
		return
	}
	if problems := validatePost(form, false); len(problems) > 0 {
		form.Fail("body", b.web.Message(c, problems[0]))
		b.keepDraft(c, answerDraft(q), QuestionURL(q.ID), form)
		b.renderView(c, web.Status(errs.Invalid), viewPage{Answer: form})
		return
	}
	id, err := b.AddAnswer(c, q, v.ID, form.Values["body"])
	if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
		form.Fail("body", b.web.Message(c, e))
		b.renderView(c, web.Status(errs.Conflict), viewPage{Answer: form})
		return
	}
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	b.draftSaved(c.Request.Context(), c, answerDraft(q))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s#antwort-%d", QuestionURL(q.ID), id))
}

// AddAnswer answers q and notifies watchers and mentioned people.
func (b *Board) AddAnswer(c *gin.Context, q Question, author int64, body string) (int64, error) {
	return b.addAnswer(c.Request.Context(), q, author, body, nil)
}

// addAnswer is AddAnswer for callers without a request (a reply by mail);
// also, when given, runs in the answer's transaction.
func (b *Board) addAnswer(ctx context.Context, q Question, author int64, body string, also func(tx pgx.Tx) error) (int64, error) {
	topics, err := b.store.Topics(ctx, q.ID)
	if err != nil {
		return 0, err
	}
	return b.store.AddAnswer(ctx, q.ID, author, body, func(tx pgx.Tx, id int64) error {
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		if err := b.watch(ctx, tx, author, q.ID); err != nil {
			return err
		}
		return b.notify(ctx, tx, Event{Kind: "answer", ActorID: author, SpaceID: q.SpaceID, QuestionID: q.ID, TopicIDs: topicIDs(topics),
			Title: q.Title, URL: fmt.Sprintf("%s#antwort-%d", QuestionURL(q.ID), id), Text: body})
	})
}

func topicIDs(ts []Topic) []int64 {
	ids := make([]int64, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	return ids
}

// comment adds a comment to the question or one of its answers.
func (b *Board) comment(c *gin.Context) {
	ctx, q, v := c.Request.Context(), questionOf(c), web.ViewerOf(c)
	body := strings.TrimSpace(c.PostForm("body"))
	target := c.PostForm("on") // "question" or an answer id
	var answerID *int64
	anchor := "frage"
	if target != "question" {
		id, err := strconv.ParseInt(target, 10, 64)
		a, aerr := b.store.AnswerByID(ctx, id)
		if err != nil || aerr != nil || a.QuestionID != q.ID {
			b.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
			return
		}
		answerID, anchor = &a.ID, fmt.Sprintf("antwort-%d", a.ID)
	}
	form := frontend.NewForm()
	form.Set("body", body)
	if e := errs.Length("body", body, 2000); e != nil {
		form.Fail("body", b.web.Message(c, e))
	}
	if form.Failed() {
		key := "question"
		if answerID != nil {
			key = fmt.Sprintf("answer-%d", *answerID)
		}
		b.renderView(c, web.Status(errs.Invalid), viewPage{Comment: form, CommentOn: key})
		return
	}
	if err := b.addComment(ctx, q, answerID, v.ID, body, nil); err != nil {
		b.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, QuestionURL(q.ID)+"#"+anchor)
}

// addComment stores a comment on q (answerID nil) or one of its answers
// and tells the question's watchers; also, when given, runs in the
// comment's transaction.
func (b *Board) addComment(ctx context.Context, q Question, answerID *int64, author int64, body string, also func(tx pgx.Tx) error) error {
	anchor := "frage"
	if answerID != nil {
		anchor = fmt.Sprintf("antwort-%d", *answerID)
	}
	topics, err := b.store.Topics(ctx, q.ID)
	if err != nil {
		return err
	}
	return b.store.AddComment(ctx, q.ID, answerID, author, body, func(tx pgx.Tx, id int64) error {
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		return b.notify(ctx, tx, Event{Kind: "comment", ActorID: author, SpaceID: q.SpaceID, QuestionID: q.ID, TopicIDs: topicIDs(topics),
			Title: q.Title, URL: QuestionURL(q.ID) + "#" + anchor, Text: body})
	})
}

// vote records an up or down vote, or takes one back.
func (b *Board) vote(c *gin.Context) {
	q, v := questionOf(c), web.ViewerOf(c)
	postType, postID, value, err := b.readVote(c, q)
	if err == nil {
		_, err = b.store.Vote(c.Request.Context(), postType, postID, v.ID, value)
	}
	anchor := "frage"
	if postType == "answer" {
		anchor = fmt.Sprintf("antwort-%d", postID)
	}
	if e, ok := errs.As(err); ok && e.Code != errs.Internal && e.Code != errs.NotFound {
		c.Redirect(http.StatusSeeOther, QuestionURL(q.ID)+"?hinweis="+e.Key+"#"+anchor)
		return
	}
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, QuestionURL(q.ID)+"#"+anchor)
}

// readVote reads which post of q a vote is for and its value.
func (b *Board) readVote(c *gin.Context, q Question) (string, int64, int, error) {
	postType := c.PostForm("post")
	value, err := strconv.Atoi(c.PostForm("value"))
	if err != nil || value < -1 || value > 1 {
		return "", 0, 0, errs.E(errs.Invalid, "qa.vote.invalid")
	}
	switch postType {
	case "question":
		return postType, q.ID, value, nil
	case "answer":
		id, err := strconv.ParseInt(c.PostForm("id"), 10, 64)
		a, aerr := b.store.AnswerByID(c.Request.Context(), id)
		if err != nil || aerr != nil || a.QuestionID != q.ID {
			return "", 0, 0, errs.E(errs.NotFound, "error.not_found")
		}
		return postType, id, value, nil
	}
	return "", 0, 0, errs.E(errs.Invalid, "qa.vote.invalid")
}

const keyAnswer = "fachnetz.answer"

func (b *Board) loadAnswer(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("answer"), 10, 64)
	a, err := b.store.AnswerByID(c.Request.Context(), id)
	if err == nil && a.QuestionID != questionOf(c).ID {
		err = errs.E(errs.NotFound, "error.not_found")
	}
	b.web.Keep(c, keyAnswer, a, err)
}

func answerOf(c *gin.Context) Answer { return web.Kept[Answer](c, keyAnswer) }

// mayEdit: authors edit their own posts, moderators everyone's.
func (b *Board) mayEdit(c *gin.Context, author *int64) bool {
	v := web.ViewerOf(c)
	if author != nil && *author == v.ID {
		return b.spaces.Enforcer.Can(c.Request.Context(), policies.SubjectOf(c), policies.Write, questionOf(c).SpaceID)
	}
	return b.spaces.Enforcer.Can(c.Request.Context(), policies.SubjectOf(c), policies.Moderate, questionOf(c).SpaceID)
}

type editPage struct {
	Question Question
	Answer   *Answer
	Form     *frontend.Form
	Base     int
	// Saved is the text someone else saved meanwhile, shown beside the
	// person's own after a conflict; Base then is its revision, so that
	// saving again, having merged, succeeds.
	Saved *string
	Draft drafts.Editor
	// Preview is the text rendered, after "Vorschau" without JavaScript.
	Preview template.HTML
}

// conflicted makes the page show what was saved meanwhile.
func (p *editPage) conflicted(problems []*errs.Error, savedBody string, savedRevision int) {
	for _, e := range problems {
		if e.Code == errs.Conflict {
			p.Saved, p.Base = &savedBody, savedRevision
		}
	}
}

func (b *Board) editForm(c *gin.Context) {
	q := questionOf(c)
	if !b.mayEdit(c, q.AuthorID) {
		b.web.Fail(c, errs.E(errs.Forbidden, "error.forbidden"))
		return
	}
	topics, err := b.store.Topics(c.Request.Context(), q.ID)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	names := make([]string, len(topics))
	for i, t := range topics {
		names[i] = t.Name
	}
	form := frontend.NewForm()
	form.Set("title", q.Title)
	form.Set("body", q.Body)
	form.Set("topics", strings.Join(names, ", "))
	b.renderEdit(c, http.StatusOK, b.web.T(c, "qa.edit.title"), editPage{Question: q, Form: form, Base: q.Revision})
}

func (b *Board) edit(c *gin.Context) {
	ctx, q, v := c.Request.Context(), questionOf(c), web.ViewerOf(c)
	if !b.mayEdit(c, q.AuthorID) {
		b.web.Fail(c, errs.E(errs.Forbidden, "error.forbidden"))
		return
	}
	form := frontend.NewForm()
	for _, k := range []string{"title", "body", "topics"} {
		form.Set(k, strings.TrimSpace(c.PostForm(k)))
	}
	base, _ := strconv.Atoi(c.PostForm("base_revision"))
	if wantsPreview(c) {
		b.renderEditPreview(c, editPage{Question: q, Form: form, Base: base}, "qa.edit.title")
		return
	}
	problems := validatePost(form, true)
	var ids []int64
	var err error
	if len(problems) == 0 {
		if ids, err = b.resolveTopics(ctx, form.Values["topics"], v.ID); err == nil {
			err = b.store.EditQuestion(ctx, q.ID, base, form.Values["title"], form.Values["body"], ids, v.ID)
		}
		if errs.Is(err, errs.Conflict) {
			// Saved meanwhile: merge with that version, as the wiki does.
			title, body, clean, merr := b.mergeEdit(ctx, "question", q.ID, base, form.Values["title"], form.Values["body"], q.Title, q.Body)
			switch {
			case merr != nil:
				err = merr
			case clean:
				err = b.store.EditQuestion(ctx, q.ID, q.Revision, title, body, ids, v.ID)
			default:
				form.Set("title", title)
				form.Set("body", body)
			}
		}
		if e, ok := errs.As(err); ok && e.Code != errs.Internal {
			problems, err = append(problems, e.OnField("body")), nil
		}
	}
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	if len(problems) > 0 {
		for _, p := range problems {
			form.Fail(p.Field, b.web.Message(c, p))
		}
		page := editPage{Question: q, Form: form, Base: base}
		page.conflicted(problems, q.Body, q.Revision)
		b.renderEdit(c, web.Status(problems[0].Code), b.web.T(c, "qa.edit.title"), page)
		return
	}
	b.draftSaved(ctx, c, editDraft(q, nil))
	c.Redirect(http.StatusSeeOther, QuestionURL(q.ID))
}

func (b *Board) editAnswerForm(c *gin.Context) {
	q, a := questionOf(c), answerOf(c)
	if !b.mayEdit(c, a.AuthorID) {
		b.web.Fail(c, errs.E(errs.Forbidden, "error.forbidden"))
		return
	}
	form := frontend.NewForm()
	form.Set("body", a.Body)
	b.renderEdit(c, http.StatusOK, b.web.T(c, "qa.edit_answer.title"), editPage{Question: q, Answer: &a, Form: form, Base: a.Revision})
}

func (b *Board) editAnswer(c *gin.Context) {
	ctx, q, a, v := c.Request.Context(), questionOf(c), answerOf(c), web.ViewerOf(c)
	if !b.mayEdit(c, a.AuthorID) {
		b.web.Fail(c, errs.E(errs.Forbidden, "error.forbidden"))
		return
	}
	form := frontend.NewForm()
	form.Set("body", c.PostForm("body"))
	base, _ := strconv.Atoi(c.PostForm("base_revision"))
	if wantsPreview(c) {
		b.renderEditPreview(c, editPage{Question: q, Answer: &a, Form: form, Base: base}, "qa.edit_answer.title")
		return
	}
	problems := validatePost(form, false)
	if len(problems) == 0 {
		err := b.store.EditAnswer(ctx, a, base, form.Values["body"], v.ID)
		if errs.Is(err, errs.Conflict) {
			// Saved meanwhile: merge with that version, as the wiki does.
			_, body, clean, merr := b.mergeEdit(ctx, "answer", a.ID, base, "", form.Values["body"], "", a.Body)
			switch {
			case merr != nil:
				err = merr
			case clean:
				err = b.store.EditAnswer(ctx, a, a.Revision, body, v.ID)
			default:
				form.Set("body", body)
			}
		}
		var e *errs.Error
		if errors.As(err, &e) && e.Code != errs.Internal {
			problems = append(problems, e.OnField("body"))
		} else if err != nil {
			b.web.Fail(c, err)
			return
		}
	}
	if len(problems) > 0 {
		form.Fail("body", b.web.Message(c, problems[0]))
		page := editPage{Question: q, Answer: &a, Form: form, Base: base}
		page.conflicted(problems, a.Body, a.Revision)
		b.renderEdit(c, web.Status(problems[0].Code), b.web.T(c, "qa.edit_answer.title"), page)
		return
	}
	b.draftSaved(ctx, c, editDraft(q, &a))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s#antwort-%d", QuestionURL(q.ID), a.ID))
}

// renderEditPreview shows the edit form again with its text rendered
// beside it, everything typed kept.
func (b *Board) renderEditPreview(c *gin.Context, page editPage, title string) {
	b.showPreview(c, page.Form, func(html template.HTML) {
		page.Preview = html
		b.renderEdit(c, http.StatusOK, b.web.T(c, title), page)
	})
}
