package wiki

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/web"
)

type pageJSON struct {
	Page
	ReviewDue  *string `json:"review_due"` // YYYY-MM-DD; null: no review needed
	Topics     []Topic `json:"topics"`
	URL        string  `json:"url"`
	Merged     bool    `json:"merged,omitempty"`               // the edit was merged with revisions saved meanwhile
	MergedWith int     `json:"merged_with_revision,omitempty"` // the newest of them
}

func (wk *Wiki) pageJSON(c *gin.Context, p Page) (pageJSON, error) {
	topics, err := wk.store.Topics(c.Request.Context(), p.ID)
	out := pageJSON{Page: p, Topics: topics, URL: PageURL(p.SpaceSlug, p.Slug)}
	if p.DueOn != nil {
		due := p.DueOn.Format(time.DateOnly)
		out.ReviewDue = &due
	}
	return out, err
}

func (wk *Wiki) apiTree(c *gin.Context) {
	nodes, err := wk.store.Tree(c.Request.Context(), policies.SpaceOf(c).ID)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"pages": buildTree(policies.SpaceOf(c).Slug, nodes, 0)})
}

func (wk *Wiki) apiGet(c *gin.Context) {
	out, err := wk.pageJSON(c, pageOf(c))
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// pagePut creates or updates a page. base_revision is required for an
// update: it is the revision the client's text is based on.
// pagePut is the body of a PUT; on an existing page, absent fields keep
// their values (pointers tell absent from empty).
type pagePut struct {
	Title              string    `json:"title"`
	Body               *string   `json:"body"`
	Message            string    `json:"message"`
	BaseRevision       *int      `json:"base_revision"`
	Parent             string    `json:"parent"`
	Topics             *[]string `json:"topics"`
	Owner              *string   `json:"owner"`
	ReviewIntervalDays *int      `json:"review_interval_days"`
	ReviewDue          *string   `json:"review_due"`
	IsTemplate         *bool     `json:"is_template"`
}

// apiPut answers 201 for a new page, 200 for a new revision, and 409 with
// the current page when base_revision is not the newest revision.
func (wk *Wiki) apiPut(c *gin.Context) {
	ctx, space := c.Request.Context(), policies.SpaceOf(c)
	var body pagePut
	if err := web.Bind(c, &body); err != nil {
		wk.web.Fail(c, err)
		return
	}
	space, existing, moved, err := wk.pageToWrite(c, space, c.Param("page"))
	if err != nil && (moved || !errs.Is(err, errs.NotFound)) {
		wk.web.Fail(c, err)
		return
	}
	creating := err != nil
	in := input{Interval: 365}
	if !creating {
		if in, err = wk.inputOf(ctx, existing); err != nil {
			wk.web.Fail(c, err)
			return
		}
	}
	in.Message = body.Message
	if t := strings.TrimSpace(body.Title); t != "" {
		in.Title = t
	}
	if body.Body != nil {
		in.Body = *body.Body
	}
	if body.Topics != nil {
		in.Topics = strings.Join(*body.Topics, ",")
	}
	if body.Owner != nil {
		in.Owner = *body.Owner
	}
	if body.IsTemplate != nil {
		in.Template = *body.IsTemplate
	}
	if body.ReviewIntervalDays != nil {
		in.Interval = *body.ReviewIntervalDays
	}
	if body.ReviewDue != nil {
		in.Due = *body.ReviewDue
	}
	if body.Parent != "" {
		parent, perr := wk.store.PageBySlug(ctx, space.ID, body.Parent)
		if perr != nil {
			wk.web.Fail(c, errs.E(errs.Invalid, "wiki.parent_invalid").OnField("parent"))
			return
		}
		in.ParentID = &parent.ID
	}
	if !creating {
		if body.BaseRevision == nil {
			wk.web.Fail(c, errs.E(errs.Invalid, "wiki.base_revision_required"))
			return
		}
		in.Base = *body.BaseRevision
		wk.apiUpdate(c, space, existing, in)
		return
	}
	d, problems, err := wk.draft(ctx, c, space, in, 0)
	if err == nil && len(problems) > 0 {
		err = problems[0]
	}
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	slug := strings.ToLower(c.Param("page"))
	if web.Slugify(slug, 100) != slug {
		wk.web.Fail(c, errs.E(errs.Invalid, "wiki.slug_invalid"))
		return
	}
	p, err := wk.store.create(ctx, space.ID, slug, d, web.ViewerOf(c).ID, wk.written(notify.KindPageCreated, web.ViewerOf(c).ID))
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	out, err := wk.pageJSON(c, p)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

// apiUpdate saves a new revision of an existing page, merged with what
// was saved since the client's base revision; parts both changed answer
// 409 with the page as it is now and the conflicting parts.
func (wk *Wiki) apiUpdate(c *gin.Context, space policies.Space, existing Page, in input) {
	res, problems, err := wk.saveEdit(c, space, existing, in)
	if err == nil && len(problems) > 0 {
		err = problems[0]
	}
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	if mc := res.Conflict; mc != nil {
		cur, err := wk.pageJSON(c, mc.Current)
		if err != nil {
			wk.web.Fail(c, err)
			return
		}
		type conflictJSON struct {
			Field  string `json:"field"`
			Base   string `json:"base"`
			Ours   string `json:"ours"`
			Theirs string `json:"theirs"`
		}
		parts := make([]conflictJSON, len(mc.Conflicts))
		for i, x := range mc.Conflicts {
			parts[i] = conflictJSON(x)
		}
		c.JSON(web.Status(errs.Conflict), gin.H{
			"error":       gin.H{"code": errs.Conflict, "message": wk.web.T(c, "wiki.merge.heading", "Names", mc.Names)},
			"current":     cur,
			"conflicts":   parts,
			"merged_body": mc.Input.Body,
		})
		return
	}
	out, err := wk.pageJSON(c, res.Page)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	out.Merged, out.MergedWith = res.MergedWith != 0, res.MergedWith
	c.JSON(http.StatusOK, out)
}

func (wk *Wiki) apiRevisions(c *gin.Context) {
	revs, err := wk.store.Revisions(c.Request.Context(), pageOf(c).ID)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"revisions": revs})
}

func (wk *Wiki) apiRevision(c *gin.Context) {
	if rev, ok := wk.revisionParam(c, c.Param("n")); ok {
		c.JSON(http.StatusOK, rev)
	}
}

func (wk *Wiki) apiRestore(c *gin.Context) {
	rev, ok := wk.revisionParam(c, c.Param("n"))
	if !ok {
		return
	}
	p, err := wk.Restore(c.Request.Context(), pageOf(c), rev, web.ViewerOf(c).ID, wk.web.T(c, "wiki.restore.message", "Number", rev.Number))
	if err == nil {
		var out pageJSON
		if out, err = wk.pageJSON(c, p); err == nil {
			c.JSON(http.StatusOK, out)
			return
		}
	}
	wk.web.Fail(c, err)
}

func (wk *Wiki) apiUpload(c *gin.Context) {
	file, header, err := wk.attachmentFile(c)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	defer file.Close()
	a, err := wk.Attach(c.Request.Context(), pageOf(c), header.Filename, file, web.ViewerOf(c).ID)
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": a.ID, "filename": a.Filename, "content_type": a.ContentType, "size": a.Size,
		"url": AttachmentURL(a), "api_url": "/api/v1/attachments/" + strconv.FormatInt(a.ID, 10)})
}

func (wk *Wiki) apiBacklinks(c *gin.Context) {
	ctx, p := c.Request.Context(), pageOf(c)
	refs, err := wk.store.Backlinks(ctx, p, wk.spaces.Enforcer.ReadableSpaces(ctx, policies.SubjectOf(c)))
	if err != nil {
		wk.web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"backlinks": refs})
}
