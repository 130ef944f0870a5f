package qa

import (
	"context"

	"github.com/fachnetz/fachnetz/server/errs"
)

// mergeEdit merges an edit of a post based on revision base with the post
// as it is now (title and body; answers have no title), three-way against
// the base revision. clean is false when both changed the same part: body
// then holds both versions of it, so that saving it loses neither.
func (b *Board) mergeEdit(ctx context.Context, postType string, id int64, base int, title, body, curTitle, curBody string) (string, string, bool, error) {
	if b.deps.Merge == nil {
		return title, body, false, nil
	}
	baseTitle, baseBody, err := b.store.PostRevision(ctx, postType, id, base)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return title, body, false, err
	}
	merged, clean := b.deps.Merge(baseBody, body, curBody)
	switch {
	case title == curTitle || curTitle == baseTitle:
	case title == baseTitle:
		title = curTitle
	default:
		clean = false
	}
	return title, merged, clean, nil
}
