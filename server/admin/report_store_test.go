package admin

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "admin", &db)) }

// report inserts a barrier report created age ago, resolved resolvedAgo
// ago when that is not negative.
func report(t *testing.T, desc string, age, resolvedAgo time.Duration) int64 {
	t.Helper()
	var resolved *time.Time
	if resolvedAgo >= 0 {
		r := time.Now().Add(-resolvedAgo)
		resolved = &r
	}
	var id int64
	err := db.Pool.QueryRow(context.Background(), `INSERT INTO barrier_reports (page_url, description, created_at, resolved_at)
		VALUES ('/seite', $1, $2, $3) RETURNING id`, desc, time.Now().Add(-age), resolved).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func clearReports(t *testing.T) {
	t.Helper()
	if _, err := db.Pool.Exec(context.Background(), `DELETE FROM barrier_reports`); err != nil {
		t.Fatal(err)
	}
}

// Open reports come first, each part newest first; paging cuts the one
// order.
func TestReportsOrderAndPaging(t *testing.T) {
	ctx := context.Background()
	clearReports(t)
	st := NewReportStore(db.Pool)
	oldOpen := report(t, "alt offen", 3*time.Hour, -1)
	newResolved := report(t, "neu erledigt", time.Minute, 0)
	newOpen := report(t, "neu offen", 2*time.Hour, -1)
	oldResolved := report(t, "alt erledigt", 5*time.Hour, time.Hour)
	want := []int64{newOpen, oldOpen, newResolved, oldResolved}

	list, total, err := st.Reports(ctx, 0, 10)
	if err != nil || total != 4 || len(list) != 4 {
		t.Fatalf("reports: %d of %d, %v", len(list), total, err)
	}
	for i, r := range list {
		if r.ID != want[i] {
			t.Errorf("position %d: report %q", i, r.Description)
		}
	}
	page, total, _ := st.Reports(ctx, 1, 2)
	if total != 4 || len(page) != 2 || page[0].ID != oldOpen || page[1].ID != newResolved {
		t.Errorf("second and third: %+v (total %d)", page, total)
	}
	if n, err := st.OpenReports(ctx); n != 2 || err != nil {
		t.Errorf("open reports: %d %v", n, err)
	}
}

// Resolving twice keeps the first date, from which the retention runs.
func TestResolveKeepsTheFirstDate(t *testing.T) {
	ctx := context.Background()
	clearReports(t)
	st := NewReportStore(db.Pool)
	id := report(t, "offen", time.Hour, -1)
	if err := st.Resolve(ctx, id); err != nil {
		t.Fatal(err)
	}
	first, _, _ := st.Reports(ctx, 0, 1)
	time.Sleep(10 * time.Millisecond)
	if err := st.Resolve(ctx, id); err != nil {
		t.Fatal(err)
	}
	again, _, _ := st.Reports(ctx, 0, 1)
	if first[0].ResolvedAt == nil || !first[0].ResolvedAt.Equal(*again[0].ResolvedAt) {
		t.Errorf("resolved at %v, then %v", first[0].ResolvedAt, again[0].ResolvedAt)
	}
	if n, _ := st.OpenReports(ctx); n != 0 {
		t.Errorf("%d open after resolving", n)
	}
	if err := st.Resolve(ctx, id+1000); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown report: %v", err)
	}
}

// PurgeReports deletes reports resolved more than ReportRetention ago, and
// neither open ones nor younger ones, however old their report.
func TestPurgeReportsAfterRetention(t *testing.T) {
	ctx := context.Background()
	clearReports(t)
	a := &Admin{reports: NewReportStore(db.Pool)}
	gone := report(t, "lange erledigt", ReportRetention+48*time.Hour, ReportRetention+time.Hour)
	kept := report(t, "kürzlich erledigt", ReportRetention+48*time.Hour, ReportRetention-time.Hour)
	open := report(t, "alt und offen", 2*ReportRetention, -1)
	if err := a.PurgeReports(ctx); err != nil {
		t.Fatal(err)
	}
	list, _, _ := a.reports.Reports(ctx, 0, 10)
	ids := map[int64]bool{}
	for _, r := range list {
		ids[r.ID] = true
	}
	if ids[gone] || !ids[kept] || !ids[open] || len(ids) != 2 {
		t.Errorf("after the purge: %v (gone %d, kept %d, open %d)", ids, gone, kept, open)
	}
}
