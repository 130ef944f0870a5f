package stats

import (
	"strconv"
	"testing"
	"time"
)

// Reading a page again the same day writes nothing, and the next day's
// first view is written again.
func TestRepeatedViewsWriteOncePerDay(t *testing.T) {
	s, now := clock(t, time.Date(2026, 11, 4, 9, 0, 0, 0, time.UTC))
	w := newWorld(t)
	reader := w.account(t, "wiederleser")
	ev := Event{AccountID: reader, AgencyID: w.agency, Kind: Page, Item: strconv.FormatInt(w.openPage, 10), SpaceID: w.open}
	rows := func(day string) int {
		return count(t, `SELECT count(*) FROM stats_raw WHERE day = $1 AND item = $2`, day, ev.Item)
	}
	s.Record(ctx, ev)
	if n := rows("2026-11-04"); n != 1 {
		t.Fatalf("first view: %d rows", n)
	}
	exec(t, `DELETE FROM stats_raw WHERE item = $1`, ev.Item)
	s.Record(ctx, ev)
	if n := rows("2026-11-04"); n != 0 {
		t.Fatalf("the view again was written (%d rows)", n)
	}
	*now = now.AddDate(0, 0, 1)
	s.Record(ctx, ev)
	if n := rows("2026-11-05"); n != 1 {
		t.Fatalf("first view of the next day: %d rows", n)
	}
}
