package qa

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// questionOfAnswer loads an answer's question and checks access to it.
func (b *Board) questionOfAnswer(act policies.Action, then ...func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, _ := strconv.ParseInt(c.Param("answer"), 10, 64)
		a, err := b.store.AnswerByID(c.Request.Context(), id)
		if err != nil {
			b.web.Fail(c, err)
			return
		}
		c.Params = append(c.Params, gin.Param{Key: "id", Value: strconv.FormatInt(a.QuestionID, 10)})
		c.Set(keyAnswer, a)
		b.loadQuestion(act, then...)(c)
	}
}

func (b *Board) apiList(c *gin.Context) {
	limit, cursor, err := web.Page(c, 20, 100)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	ctx := c.Request.Context()
	f := Filter{Spaces: b.spaces.Enforcer.ReadableSpaces(ctx, policies.SubjectOf(c)), Limit: limit, Offset: int(cursor),
		Unanswered: c.Query("unanswered") == "true", Open: c.Query("open") == "true"}
	if slug := c.Query("space"); slug != "" {
		f.Space = -1
		if sp, err := b.spaces.Store.SpaceBySlug(ctx, slug); err == nil && b.spaces.Check(ctx, policies.SubjectOf(c), policies.Read, sp.ID) == nil {
			f.Space = sp.ID
		}
	}
	if slug := c.Query("topic"); slug != "" {
		var err error
		if f.TopicIDs, err = b.topicFilter(ctx, slug); err != nil {
			b.web.Fail(c, err)
			return
		}
	}
	list, total, err := b.store.Questions(ctx, f)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	for i := range list {
		b.showWiki(ctx, policies.SubjectOf(c), &list[i])
	}
	next := ""
	if int(cursor)+len(list) < total {
		next = strconv.Itoa(int(cursor) + len(list))
	}
	if list == nil {
		list = []Question{}
	}
	c.JSON(http.StatusOK, gin.H{"questions": list, "total": total, "next_cursor": next})
}

type askBody struct {
	Title  string   `json:"title"`
	Body   string   `json:"body"`
	Space  string   `json:"space"`
	Topics []string `json:"topics"`
}

func (b *Board) apiAsk(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	var in askBody
	if err := web.Bind(c, &in); err != nil {
		b.web.Fail(c, err)
		return
	}
	form := frontend.NewForm()
	form.Set("title", strings.TrimSpace(in.Title))
	form.Set("body", in.Body)
	if problems := validatePost(form, true); len(problems) > 0 {
		b.web.Fail(c, problems[0])
		return
	}
	spaceID, err := b.store.DefaultSpace(ctx, v.AgencyID)
	if in.Space != "" {
		sp, serr := b.spaces.Store.SpaceBySlug(ctx, in.Space)
		spaceID, err = sp.ID, serr
	}
	if err == nil {
		err = b.spaces.Check(ctx, policies.SubjectOf(c), policies.Write, spaceID)
	}
	// A space that is unknown or closed to the asker is one answer; a
	// database that cannot be reached must not look like either.
	if code := errs.CodeOf(err); !policies.IsArchived(err) && (code == errs.NotFound || code == errs.Forbidden) {
		err = errs.E(errs.NotFound, "qa.space_invalid")
	}
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	topicIDs, err := b.resolveTopics(ctx, strings.Join(in.Topics, ","), v.ID)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	id, err := b.Ask(ctx, NewQuestion{SpaceID: spaceID, Title: form.Values["title"], Body: in.Body, TopicIDs: topicIDs, AuthorID: v.ID})
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	q, err := b.store.QuestionByID(ctx, id)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, q)
}

func (b *Board) apiGet(c *gin.Context) {
	ctx, q := c.Request.Context(), questionOf(c)
	t, err := b.store.Thread(ctx, q, web.ViewerOf(c).ID)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	if t.Answers == nil {
		t.Answers = []Answer{}
	}
	c.JSON(http.StatusOK, gin.H{"question": q, "answers": t.Answers, "comments": t.Comments, "topics": t.Topics})
}

func (b *Board) apiAnswer(c *gin.Context) {
	var in struct {
		Body string `json:"body"`
	}
	if err := web.Bind(c, &in); err != nil {
		b.web.Fail(c, err)
		return
	}
	form := frontend.NewForm()
	form.Set("body", in.Body)
	if problems := validatePost(form, false); len(problems) > 0 {
		b.web.Fail(c, problems[0])
		return
	}
	id, err := b.AddAnswer(c, questionOf(c), web.ViewerOf(c).ID, in.Body)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	a, err := b.store.AnswerByID(c.Request.Context(), id)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, a)
}

func (b *Board) apiVote(postType string) gin.HandlerFunc {
	return func(c *gin.Context) {
		var in struct {
			Value int `json:"value"`
		}
		if err := web.Bind(c, &in); err != nil || in.Value < -1 || in.Value > 1 {
			b.web.Fail(c, errs.E(errs.Invalid, "qa.vote.invalid"))
			return
		}
		id := questionOf(c).ID
		if postType == "answer" {
			id = answerOf(c).ID
		}
		score, err := b.store.Vote(c.Request.Context(), postType, id, web.ViewerOf(c).ID, in.Value)
		if err != nil {
			b.web.Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"post": fmt.Sprintf("%s-%d", postType, id), "score": score, "vote": in.Value})
	}
}

func (b *Board) apiAccept(c *gin.Context) {
	q, a := questionOf(c), answerOf(c)
	if err := b.Accept(c, q, a.ID); err != nil {
		b.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"question": q.ID, "accepted_answer_id": a.ID})
}
