package qa

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

const keyComment = "fachnetz.comment"

func (b *Board) loadComment(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("comment"), 10, 64)
	cm, err := b.store.CommentByID(c.Request.Context(), questionOf(c).ID, id)
	b.web.Keep(c, keyComment, cm, err)
}

// questionOfComment loads a comment's question and checks reading it.
func (b *Board) questionOfComment(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("comment"), 10, 64)
	qid, err := b.store.QuestionOfComment(c.Request.Context(), id)
	if err != nil {
		b.web.Fail(c, err)
		return
	}
	c.Params = append(c.Params, gin.Param{Key: "id", Value: strconv.FormatInt(qid, 10)})
	b.loadQuestion(policies.Read)(c)
}

func commentOf(c *gin.Context) Comment { return web.Kept[Comment](c, keyComment) }

// mayDelete tells whether the viewer may delete the post of the kind, and
// whether as a moderator.
func (b *Board) mayDelete(c *gin.Context, kind string) (moderator bool, err error) {
	q, v := questionOf(c), web.ViewerOf(c)
	sub, ctx := policies.SubjectOf(c), c.Request.Context()
	if err := b.spaces.CheckOpen(q.SpaceID); err != nil {
		return false, err
	}
	if b.spaces.Enforcer.Can(ctx, sub, policies.Moderate, q.SpaceID) {
		return true, nil
	}
	var author *int64
	key := "trash.qa.post_forbidden"
	switch kind {
	case "question":
		author, key = q.AuthorID, "trash.qa.question_forbidden"
		if q.AnswerCount > 0 {
			author = nil
		}
	case "answer":
		author = answerOf(c).AuthorID
	case "comment":
		author = commentOf(c).AuthorID
	}
	if author != nil && *author == v.ID && b.spaces.Enforcer.Can(ctx, sub, policies.Write, q.SpaceID) {
		return false, nil
	}
	return false, errs.E(errs.Forbidden, key)
}

func (b *Board) deleteForm(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if _, err := b.mayDelete(c, kind); err != nil {
			b.web.Fail(c, err)
			return
		}
		q := questionOf(c)
		action := QuestionURL(q.ID)
		switch kind {
		case "answer":
			action += "/antworten/" + strconv.FormatInt(answerOf(c).ID, 10)
		case "comment":
			action += "/kommentare/" + strconv.FormatInt(commentOf(c).ID, 10)
		}
		b.web.Render(c, http.StatusOK, "qa/delete", b.web.T(c, "trash.qa.delete_title"), gin.H{
			"Question": q, "Kind": kind, "Action": action + "/loeschen", "Days": b.deps.Trash.Days(),
		})
	}
}

// trashPost moves the post of the kind into the trash.
func (b *Board) trashPost(c *gin.Context, kind string) error {
	moderator, err := b.mayDelete(c, kind)
	if err != nil {
		return err
	}
	ctx, q, by := c.Request.Context(), questionOf(c), web.ViewerOf(c).ID
	switch kind {
	case "question":
		// An answer may have come since the question was loaded.
		return b.store.TrashQuestion(ctx, b.deps.Trash, q, by, !moderator)
	case "answer":
		return b.store.TrashAnswer(ctx, b.deps.Trash, q, answerOf(c), by)
	default:
		return b.store.TrashComment(ctx, b.deps.Trash, q, commentOf(c), by)
	}
}

func (b *Board) deletePost(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := b.trashPost(c, kind); err != nil {
			b.web.Fail(c, err)
			return
		}
		if kind == "question" {
			c.Redirect(http.StatusSeeOther, "/fragen")
			return
		}
		c.Redirect(http.StatusSeeOther, QuestionURL(questionOf(c).ID)+"?hinweis=trash.qa.deleted")
	}
}

func (b *Board) apiDelete(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := b.trashPost(c, kind); err != nil {
			b.web.Fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}
