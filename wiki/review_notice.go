package wiki

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fachnetz/fachnetz/server/notify"
	"github.com/fachnetz/fachnetz/server/periodic"
)

// reviewBatch is how many pages one transaction of the review job tells
// their owners about.
const reviewBatch = 200

// NoticeReviews tells each owner of a page that has fallen due for review,
// once per due date, and returns how many owners were told. Several
// servers may run it at once: each page is claimed by one of them.
func (wk *Wiki) NoticeReviews(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := wk.store.ClaimReviewNotices(ctx, reviewBatch, func(ctx context.Context, tx pgx.Tx, pages []Page) error {
			for _, p := range pages {
				if err := wk.tell(ctx, tx, notify.KindReviewDue, 0, p, notify.Audience{People: []int64{*p.OwnerID}}); err != nil {
					return err
				}
			}
			return nil
		})
		total += n
		if err != nil || n < reviewBatch {
			return total, err
		}
	}
}

// RunReviewNotices runs NoticeReviews every interval until ctx ends.
func (wk *Wiki) RunReviewNotices(ctx context.Context, interval time.Duration) {
	periodic.Run(ctx, interval, wk.log, "review notices", func(ctx context.Context) error {
		_, err := wk.NoticeReviews(ctx)
		return err
	})
}
