package wiki

import (
	"context"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/notify"
)

// written is what a new page or a new revision runs in its transaction:
// the writer and the page's owner watch the page, the page's and its
// space's watchers hear of the change, and the people the new text newly
// mentions hear of it as a mention.
func (wk *Wiki) written(kind string, actor int64) afterWrite {
	return func(ctx context.Context, tx pgx.Tx, p Page, before string) error {
		if wk.deps.Watch != nil {
			watchers := []int64{actor}
			if p.OwnerID != nil && *p.OwnerID != actor {
				watchers = append(watchers, *p.OwnerID)
			}
			for _, id := range watchers {
				if err := wk.deps.Watch(ctx, tx, id, notify.WatchPage, p.ID); err != nil {
					return err
				}
			}
		}
		return wk.tell(ctx, tx, kind, actor, p, notify.Audience{Text: p.Body, Before: before})
	}
}

// deleted tells the watchers that a page went to the trash.
func (wk *Wiki) deleted(actor int64) afterWrite {
	return func(ctx context.Context, tx pgx.Tx, p Page, _ string) error {
		return wk.tell(ctx, tx, notify.KindPageDeleted, actor, p, notify.Audience{})
	}
}

// moved follows the pages into their new space and tells the watchers of
// the page and of both spaces (those of the old one only if they may read
// the new one).
func (wk *Wiki) moved(actor, fromSpaceID int64) func(ctx context.Context, tx pgx.Tx, p Page, subtree []int64) error {
	return func(ctx context.Context, tx pgx.Tx, p Page, subtree []int64) error {
		spaces := []int64{p.SpaceID}
		if p.SpaceID != fromSpaceID {
			spaces = append(spaces, fromSpaceID)
			for _, id := range subtree {
				if wk.deps.Moved == nil {
					break
				}
				if err := wk.deps.Moved(ctx, tx, "page", id, p.SpaceID); err != nil {
					return err
				}
			}
		}
		return wk.tell(ctx, tx, notify.KindPageMoved, actor, p, notify.Audience{
			Watched: map[string][]int64{notify.WatchPage: {p.ID}, notify.WatchSpace: spaces}})
	}
}

// tell records a page's event; without watched items named, the page's
// and its space's watchers hear of it.
func (wk *Wiki) tell(ctx context.Context, tx pgx.Tx, kind string, actor int64, p Page, a notify.Audience) error {
	if wk.deps.Notify == nil {
		return nil
	}
	if a.Watched == nil && a.People == nil {
		a.Watched = map[string][]int64{notify.WatchPage: {p.ID}, notify.WatchSpace: {p.SpaceID}}
	}
	return wk.deps.Notify(ctx, tx, notify.Event{Kind: kind, ActorID: actor, SpaceID: p.SpaceID, SubjectType: "page",
		SubjectID: p.ID, Title: p.Title, URL: PageURL(p.SpaceSlug, p.Slug)}, a)
}

// watchButton is the watch button of an item, or nil without one.
func (wk *Wiki) watchButton(c *gin.Context, kind string, id int64) any {
	if wk.deps.WatchButton == nil {
		return nil
	}
	return wk.deps.WatchButton(c, kind, id)
}
