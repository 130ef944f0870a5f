package wiki

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// confirmReview records "still correct" and so sets the next review date.
func (wk *Wiki) confirmReview(c *gin.Context) {
	p := pageOf(c)
	if err := wk.spaces.CheckOpen(p.SpaceID); err != nil {
		wk.web.Fail(c, err)
		return
	}
	if !wk.canConfirm(c, p) {
		wk.web.Fail(c, errs.E(errs.Forbidden, "error.forbidden"))
		return
	}
	if err := wk.store.MarkReviewed(c.Request.Context(), p.ID); err != nil {
		wk.web.Fail(c, err)
		return
	}
	back := PageURL(p.SpaceSlug, p.Slug) + "?geprueft=1"
	if c.PostForm("from") == "queue" {
		back = "/pruefung?geprueft=1"
	}
	c.Redirect(http.StatusSeeOther, back)
}

// reviewQueue lists the pages due for review: for knowledge managers every
// page they may read, for everyone else the pages they own.
func (wk *Wiki) reviewQueue(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	owner := v.ID
	if v.KnowledgeManager {
		owner = 0
	}
	pages, err := wk.store.DueForReview(ctx, wk.spaces.Enforcer.ReadableSpaces(ctx, policies.SubjectOf(c)), owner)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	type due struct {
		Page
		DueOn time.Time
		URL   string
	}
	list := make([]due, len(pages))
	for i, p := range pages {
		list[i] = due{Page: p, DueOn: *p.ReviewDue(), URL: PageURL(p.SpaceSlug, p.Slug)}
	}
	wk.web.Render(c, http.StatusOK, "wiki/review", wk.web.T(c, "wiki.review.title"), gin.H{
		"Pages": list, "All": v.KnowledgeManager, "Confirmed": c.Query("geprueft") == "1",
	})
}

// reviewDue reads the next review date the editor sent: a date, or empty
// for one repeat interval from today (none when the page never needs a
// review). ok is false for what is no date.
func reviewDue(s string, interval int, now time.Time) (*time.Time, bool) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if s == "" {
		if interval == 0 {
			return nil, true
		}
		due := today.AddDate(0, 0, interval)
		return &due, true
	}
	due, err := time.Parse(time.DateOnly, s)
	if err != nil || due.Year() < 2000 || due.Year() > 2200 {
		return nil, false
	}
	return &due, true
}

// ReviewState is where a page stands in its reviews.
type ReviewState struct {
	ReviewedAt *time.Time `db:"reviewed_at" json:"reviewed_at"` // nil: nobody has confirmed the page yet
	DueOn      *time.Time `db:"review_due" json:"-"`            // nil: no review needed
}
