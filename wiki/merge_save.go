package wiki

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/policies"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/web"
)

// editResult is what saving an edit came to: a saved page, possibly
// merged with revisions saved meanwhile, or a conflict.
type editResult struct {
	Page       Page
	MergedFrom int // the revision the edit was based on, when merged
	MergedWith int // the newest revision merged with; 0 when not merged
	Conflict   *mergeConflict
}

// mergeConflict is an edit whose changes overlap with a revision saved
// meanwhile: the page as it is now, the edit with everything merged that
// could be (both versions of each overlapping part in the text), and the
// overlapping parts.
type mergeConflict struct {
	Current   Page
	Input     input
	Conflicts []Conflict
	Names     string // who saved meanwhile
	From      int    // the revision the edit was based on
}

// note is the query that makes the page say that the edit was merged.
func (r editResult) note() string {
	if r.MergedWith == 0 {
		return ""
	}
	return "?zusammengefuehrt=" + strconv.Itoa(r.MergedWith) + "&seit=" + strconv.Itoa(r.MergedFrom)
}

// saveEdit saves in as the next revision of p. When others saved since
// in.Base, their changes and in are merged first (three-way, against the
// base revision); parts changed on both sides come back as a conflict and
// nothing is saved.
func (wk *Wiki) saveEdit(c *gin.Context, space policies.Space, p Page, in input) (editResult, []*errs.Error, error) {
	ctx, author := c.Request.Context(), web.ViewerOf(c).ID
	res := editResult{MergedFrom: in.Base}
	// The edit is checked as submitted before it is merged: a merge shows
	// values from the form (a parent page's title), which must be ones the
	// editor may name.
	if _, problems, err := wk.validate(ctx, c, space, in, p.ID); err != nil || len(problems) > 0 {
		return res, problems, err
	}
	message := in.Message
	cur := p
	for attempt := 0; attempt < 5; attempt++ {
		if in.Base != cur.Revision {
			merged, mc, err := wk.mergeEdit(ctx, in, cur)
			if err != nil || mc != nil {
				if mc != nil {
					mc.From = res.MergedFrom
				}
				return editResult{Conflict: mc}, nil, err
			}
			names, err := wk.authorsBetween(ctx, p.ID, res.MergedFrom, cur.Revision)
			if err != nil {
				return res, nil, err
			}
			in, res.MergedWith = merged, cur.Revision
			in.Message = clip(strings.TrimSpace(message+" "+wk.web.T(c, "wiki.merge.message", "Names", names, "Revision", cur.Revision)), 500)
		}
		d, problems, err := wk.draft(ctx, c, space, in, p.ID)
		if err != nil || len(problems) > 0 {
			return res, problems, err
		}
		d.Links = LinkKeys(cur.SpaceSlug, d.Body)
		saved, err := wk.store.Save(ctx, p.ID, in.Base, d, author, wk.written(notify.KindPageChanged, author))
		var conflict *ErrConflict
		if !errors.As(err, &conflict) {
			res.Page = saved
			return res, nil, err
		}
		cur = conflict.Current
	}
	return res, nil, errs.E(errs.Conflict, "wiki.conflict.message", "Revision", cur.Revision)
}

// mergeEdit merges in, based on revision in.Base, with the page as it is
// now. It returns the merged input based on the current revision, or the
// conflict.
func (wk *Wiki) mergeEdit(ctx context.Context, in input, cur Page) (input, *mergeConflict, error) {
	base, err := wk.store.Revision(ctx, cur.ID, in.Base)
	if errs.Is(err, errs.NotFound) || (err == nil && base.PurgedAt != nil) {
		return wk.againstCurrent(ctx, in, cur)
	}
	if err != nil {
		return in, nil, err
	}
	body := Merge3(base.Body, in.Body, cur.Body)
	conflicts := body.Conflicts
	title, clash := MergeValue(base.Title, in.Title, cur.Title)
	if clash {
		conflicts = append([]Conflict{{Field: "title", Base: base.Title, Ours: in.Title, Theirs: cur.Title}}, conflicts...)
	}
	in.Title, in.Body, in.Base = title, body.Text, cur.Revision
	if in.BaseMeta != "" {
		theirs, err := wk.inputOf(ctx, cur)
		if err != nil {
			return in, nil, err
		}
		more, err := wk.mergeMeta(ctx, cur.SpaceID, &in, theirs)
		if err != nil {
			return in, nil, err
		}
		conflicts = append(conflicts, more...)
		in.BaseMeta = theirs.meta().Encode()
	}
	if len(conflicts) == 0 {
		return in, nil, nil
	}
	names, err := wk.authorsBetween(ctx, cur.ID, base.Number, cur.Revision)
	if err != nil {
		return in, nil, err
	}
	return in, &mergeConflict{Current: cur, Input: in, Conflicts: conflicts, Names: names}, nil
}

// againstCurrent compares an edit whose base revision is unknown (a form
// from nowhere, a revision that does not exist or was purged) with the
// page as it is now. Nothing tells which side changed what, so every part
// that differs is a conflict and both texts are kept.
func (wk *Wiki) againstCurrent(ctx context.Context, in input, cur Page) (input, *mergeConflict, error) {
	theirs, err := wk.inputOf(ctx, cur)
	if err != nil {
		return in, nil, err
	}
	var conflicts []Conflict
	if in.Title != theirs.Title {
		conflicts = append(conflicts, Conflict{Field: "title", Ours: in.Title, Theirs: theirs.Title})
	}
	if in.Body != theirs.Body {
		conflicts = append(conflicts, Conflict{Field: "body", Ours: in.Body, Theirs: theirs.Body})
		in.Body = both(in.Body, theirs.Body)
	}
	for _, k := range metaFields {
		o, t := in.metaValue(k), theirs.metaValue(k)
		if sameMeta(k, o, t) {
			continue
		}
		if k == "parent" {
			o, t = wk.pageTitle(ctx, cur.SpaceID, o), wk.pageTitle(ctx, cur.SpaceID, t)
		}
		conflicts = append(conflicts, Conflict{Field: k, Ours: o, Theirs: t})
	}
	in.Base, in.BaseMeta = cur.Revision, theirs.meta().Encode()
	if len(conflicts) == 0 {
		return in, nil, nil
	}
	names, err := wk.authorsBetween(ctx, cur.ID, cur.Revision-1, cur.Revision)
	if err != nil {
		return in, nil, err
	}
	return in, &mergeConflict{Current: cur, Input: in, Conflicts: conflicts, Names: names}, nil
}

// sameMeta tells whether two values of field k mean the same: topics in
// any order, handles in any case.
func sameMeta(k, a, b string) bool {
	switch k {
	case "topics":
		x, y := splitList(a), splitList(b)
		return len(MergeSet(x, x, y)) == len(x) && len(MergeSet(y, y, x)) == len(y)
	case "owner":
		return strings.EqualFold(a, b)
	}
	return a == b
}

// metaFields are the fields besides title and text that a merge takes
// from the side that changed them.
var metaFields = []string{"topics", "owner", "parent", "interval", "due", "template"}

// meta holds the fields besides title and text, as the editor shows them.
func (in input) meta() url.Values {
	v := url.Values{}
	for _, k := range metaFields {
		v.Set(k, in.metaValue(k))
	}
	return v
}

func (in input) metaValue(k string) string {
	switch k {
	case "topics":
		return in.Topics
	case "owner":
		return strings.TrimPrefix(in.Owner, "@")
	case "parent":
		if in.ParentID != nil {
			return strconv.FormatInt(*in.ParentID, 10)
		}
	case "interval":
		return strconv.Itoa(in.Interval)
	case "due":
		return in.Due
	case "template":
		return strconv.FormatBool(in.Template)
	}
	return ""
}

func (in *input) setMeta(k, v string) {
	switch k {
	case "topics":
		in.Topics = v
	case "owner":
		in.Owner = v
	case "parent":
		in.ParentID = nil
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.ParentID = &id
		}
	case "interval":
		in.Interval, _ = strconv.Atoi(v)
	case "due":
		in.Due = v
	case "template":
		in.Template = v == "true"
	}
}

// mergeMeta merges the other fields: topics as a set, the rest as single
// values. A value both sides changed differently keeps ours and is
// reported.
func (wk *Wiki) mergeMeta(ctx context.Context, spaceID int64, in *input, theirs input) ([]Conflict, error) {
	base, err := url.ParseQuery(in.BaseMeta)
	if err != nil {
		return nil, nil
	}
	var conflicts []Conflict
	for _, k := range metaFields {
		b, o, t := base.Get(k), in.metaValue(k), theirs.metaValue(k)
		if k == "topics" {
			in.Topics = strings.Join(MergeSet(splitList(b), splitList(o), splitList(t)), ", ")
			continue
		}
		v, clash := MergeValue(b, o, t)
		in.setMeta(k, v)
		if clash {
			if k == "parent" {
				o, t = wk.pageTitle(ctx, spaceID, o), wk.pageTitle(ctx, spaceID, t)
			}
			conflicts = append(conflicts, Conflict{Field: k, Base: b, Ours: o, Theirs: t})
		}
	}
	return conflicts, nil
}

// pageTitle names a parent in a conflict: by title when it is a page of
// the space being edited, else by its bare id, so that a merge never tells
// the title of a page elsewhere.
func (wk *Wiki) pageTitle(ctx context.Context, spaceID int64, id string) string {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return ""
	}
	if p, err := wk.store.PageByID(ctx, n); err == nil && p.SpaceID == spaceID {
		return p.Title
	}
	return id
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// authorsBetween names who saved the revisions after from up to to.
func (wk *Wiki) authorsBetween(ctx context.Context, pageID int64, from, to int) (string, error) {
	revs, err := wk.store.Revisions(ctx, pageID)
	if err != nil {
		return "", err
	}
	var names []string
	for i := len(revs) - 1; i >= 0; i-- {
		r := revs[i]
		if r.Number <= from || r.Number > to {
			continue
		}
		name := "?"
		if r.AuthorName != nil {
			name = *r.AuthorName
		}
		dup := false
		for _, n := range names {
			dup = dup || n == name
		}
		if !dup {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", "), nil
}

// mergedNote is the note a page shows after an edit was merged: with
// whose changes, up to which revision.
func (wk *Wiki) mergedNote(c *gin.Context, p Page) string {
	with, err1 := strconv.Atoi(c.Query("zusammengefuehrt"))
	from, err2 := strconv.Atoi(c.Query("seit"))
	if err1 != nil || err2 != nil || with <= from {
		return ""
	}
	names, err := wk.authorsBetween(c.Request.Context(), p.ID, from, with)
	if err != nil || names == "" {
		return ""
	}
	return wk.web.T(c, "wiki.merge.done", "Names", names, "Revision", with)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
