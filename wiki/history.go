package wiki

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/web"
)

func (wk *Wiki) history(c *gin.Context) {
	p := pageOf(c)
	revs, err := wk.store.Revisions(c.Request.Context(), p.ID)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	wk.web.Render(c, http.StatusOK, "wiki/history", wk.web.T(c, "wiki.history.title", "Title", p.Title), gin.H{
		"Space": policies.SpaceOf(c), "Page": p, "Revisions": revs,
		"Permissions": wk.spaces.PermissionsIn(c.Request.Context(), policies.SubjectOf(c), p.SpaceID),
	})
}

func (wk *Wiki) revisionParam(c *gin.Context, name string) (Revision, bool) {
	n, err := strconv.Atoi(name)
	if err != nil || n < 1 {
		wk.web.Fail(c, errs.E(errs.NotFound, "error.not_found"))
		return Revision{}, false
	}
	rev, err := wk.store.Revision(c.Request.Context(), pageOf(c).ID, n)
	if err != nil {
		wk.web.Fail(c, err)
		return Revision{}, false
	}
	return rev, true
}

func (wk *Wiki) revision(c *gin.Context) {
	p := pageOf(c)
	rev, ok := wk.revisionParam(c, c.Param("n"))
	if !ok {
		return
	}
	res, err := wk.renderLinked(c.Request.Context(), c, p.ID, p.SpaceSlug, rev.Body, "p-")
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	wk.web.Render(c, http.StatusOK, "wiki/revision", wk.web.T(c, "wiki.revision.title", "Title", rev.Title, "Number", rev.Number), gin.H{
		"Space": policies.SpaceOf(c), "Page": p, "Revision": rev, "HTML": res.HTML,
		"Permissions": wk.spaces.PermissionsIn(c.Request.Context(), policies.SubjectOf(c), p.SpaceID),
	})
}

// compare shows what changed between two revisions, word by word; the
// older one is always on the left, whichever order the form sent.
func (wk *Wiki) compare(c *gin.Context) {
	p := pageOf(c)
	from, ok := wk.revisionParam(c, c.Query("von"))
	if !ok {
		return
	}
	to, ok := wk.revisionParam(c, c.Query("bis"))
	if !ok {
		return
	}
	if from.Number > to.Number {
		from, to = to, from
	}
	wk.web.Render(c, http.StatusOK, "wiki/compare", wk.web.T(c, "wiki.compare.title", "Title", p.Title), gin.H{
		"Space": policies.SpaceOf(c), "Page": p, "From": from, "To": to,
		"TitleChanged": from.Title != to.Title, "Diff": WordDiff(from.Body, to.Body),
	})
}

// restore saves an old revision's title and text as a new revision, so
// that restoring loses nothing either.
func (wk *Wiki) restore(c *gin.Context) {
	ctx, p := c.Request.Context(), pageOf(c)
	rev, ok := wk.revisionParam(c, c.Param("n"))
	if !ok {
		return
	}
	saved, err := wk.Restore(ctx, p, rev, web.ViewerOf(c).ID, wk.web.T(c, "wiki.restore.message", "Number", rev.Number))
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, PageURL(saved.SpaceSlug, saved.Slug))
}

// Restore makes rev the newest revision, keeping the page's place,
// owner, topics and review settings.
func (wk *Wiki) Restore(ctx context.Context, p Page, rev Revision, author int64, message string) (Page, error) {
	if rev.PurgedAt != nil { // its content is gone for good
		return Page{}, errs.E(errs.Conflict, "trash.revision.purged_restore")
	}
	topics, err := wk.store.Topics(ctx, p.ID)
	if err != nil {
		return Page{}, err
	}
	ids := make([]int64, len(topics))
	for i, t := range topics {
		ids[i] = t.ID
	}
	saved, err := wk.store.Save(ctx, p.ID, p.Revision, Draft{
		Title: rev.Title, Body: rev.Body, Message: message, ParentID: p.ParentID, TopicIDs: ids, OwnerID: p.OwnerID,
		ReviewIntervalDays: p.ReviewIntervalDays, ReviewDue: p.DueOn, IsTemplate: p.IsTemplate, Links: LinkKeys(p.SpaceSlug, rev.Body),
	}, author, wk.written(notify.KindPageChanged, author))
	var conflict *ErrConflict
	if errors.As(err, &conflict) {
		// Someone saved in the very moment: restoring over their save
		// unseen would lose it, so the person tries again knowingly.
		return Page{}, errs.E(errs.Conflict, "wiki.conflict.message", "Revision", conflict.Current.Revision)
	}
	return saved, err
}
