package qa

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// accept marks an answer as accepted: the asker's or a moderator's call.
func (b *Board) accept(c *gin.Context) {
	q := questionOf(c)
	answerID, _ := strconv.ParseInt(c.PostForm("answer"), 10, 64)
	if err := b.Accept(c, q, answerID); err != nil {
		if e, ok := errs.As(err); ok && e.Code == errs.Forbidden {
			c.Redirect(http.StatusSeeOther, QuestionURL(q.ID)+"?hinweis="+e.Key)
			return
		}
		b.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s#antwort-%d", QuestionURL(q.ID), answerID))
}

// Accept checks who accepts and tells the answer's author.
func (b *Board) Accept(c *gin.Context, q Question, answerID int64) error {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	if err := b.spaces.CheckOpen(q.SpaceID); err != nil {
		return err
	}
	asker := q.AuthorID != nil && *q.AuthorID == v.ID
	if !asker && !b.spaces.Enforcer.Can(ctx, policies.SubjectOf(c), policies.Moderate, q.SpaceID) {
		return errs.E(errs.Forbidden, "qa.accept.not_allowed")
	}
	a, err := b.store.AnswerByID(ctx, answerID)
	if err != nil || a.QuestionID != q.ID {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return b.store.Accept(ctx, q.ID, answerID, func(tx pgx.Tx, id int64) error {
		var also []int64
		if a.AuthorID != nil {
			also = append(also, *a.AuthorID)
		}
		return b.notify(ctx, tx, Event{Kind: "accepted", ActorID: v.ID, SpaceID: q.SpaceID, QuestionID: q.ID,
			Title: q.Title, URL: fmt.Sprintf("%s#antwort-%d", QuestionURL(q.ID), a.ID), Also: also})
	})
}
