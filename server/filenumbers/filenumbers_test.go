package filenumbers

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/postgres"
)

var db *postgres.TestDatabase

func TestMain(m *testing.M) { os.Exit(postgres.RunTests(m, "filenumbers", &db)) }

const good = `Az\. \d{1,3}-\d{1,5}/\d{4}`

func TestCheckRefusesWhatWouldNotWork(t *testing.T) {
	url := "https://dms.example/akte?nr={nr}"
	for _, c := range []struct {
		name  string
		in    Input
		field string // "" = accepted
		key   string
	}{
		{"usual", Input{"E-Akte", good, url}, "", ""},
		{"with letters", Input{"VIS", `VIS-[A-Z]{2}-\d{3,6}`, "http://vis.example/{nr}/ansehen"}, "", ""},
		{"no label", Input{"", good, url}, "label", "form.required"},
		{"long label", Input{strings.Repeat("x", 61), good, url}, "label", "form.too_long"},
		{"no pattern", Input{"E-Akte", "", url}, "pattern", "form.required"},
		{"long pattern", Input{"E-Akte", strings.Repeat(`\d`, 101), url}, "pattern", "form.too_long"},
		{"does not compile", Input{"E-Akte", `Az\. (\d+`, url}, "pattern", "filenumbers.pattern_invalid"},
		{"Perl only", Input{"E-Akte", `Az(?=\.)`, url}, "pattern", "filenumbers.pattern_invalid"},
		{"matches nothing at all", Input{"E-Akte", `(Az\. \d+)?`, url}, "pattern", "filenumbers.pattern_empty"},
		{"a word", Input{"E-Akte", `\w+`, url}, "pattern", "filenumbers.pattern_broad"},
		{"the letter a", Input{"E-Akte", `a`, url}, "pattern", "filenumbers.pattern_broad"},
		{"any number", Input{"E-Akte", `\d+`, url}, "pattern", "filenumbers.pattern_broad"},
		{"dates", Input{"E-Akte", `\d+\.\d+\.\d+`, url}, "pattern", "filenumbers.pattern_broad"},
		{"no placeholder", Input{"E-Akte", good, "https://dms.example/akte"}, "url", "filenumbers.url_placeholder"},
		{"relative", Input{"E-Akte", good, "/akte/{nr}"}, "url", "filenumbers.url_invalid"},
		{"javascript", Input{"E-Akte", good, "javascript:alert('{nr}')"}, "url", "filenumbers.url_invalid"},
		{"ftp", Input{"E-Akte", good, "ftp://dms.example/{nr}"}, "url", "filenumbers.url_invalid"},
		{"spaces", Input{"E-Akte", good, "https://dms.example/a b/{nr}"}, "url", "filenumbers.url_invalid"},
		{"no host", Input{"E-Akte", good, "https:///{nr}"}, "url", "filenumbers.url_invalid"},
	} {
		t.Run(c.name, func(t *testing.T) {
			re, problems := Check(c.in)
			if c.field == "" {
				if len(problems) > 0 || re == nil {
					t.Fatalf("refused: %v", problems)
				}
				return
			}
			if len(problems) != 1 || problems[0].Field != c.field || problems[0].Key != c.key || problems[0].Code != errs.Invalid {
				t.Fatalf("problems = %v, want %s on %s", problems, c.key, c.field)
			}
		})
	}
}

func newService(t *testing.T) (*Service, int64) {
	t.Helper()
	ctx := context.Background()
	var agency int64
	slug := strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	if len(slug) > 60 {
		slug = slug[:60]
	}
	if err := db.Pool.QueryRow(ctx, `INSERT INTO agencies (slug, name) VALUES ($1, $2) RETURNING id`, slug, slug).Scan(&agency); err != nil {
		t.Fatal(err)
	}
	return New(db.Pool, slog.New(slog.NewTextHandler(io.Discard, nil))), agency
}

func TestSetFollowsChangesAndStaysTheSameOtherwise(t *testing.T) {
	ctx := context.Background()
	s, agency := newService(t)
	if set, err := s.Set(ctx, agency); err != nil || set != nil {
		t.Fatalf("no patterns: %v, %v", set, err)
	}
	id, err := s.Create(ctx, agency, Input{"E-Akte", good, "https://dms.example/{nr}"})
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.Set(ctx, agency)
	if err != nil || first == nil || len(first.Patterns) != 1 {
		t.Fatalf("after create: %+v, %v", first, err)
	}
	if again, _ := s.Set(ctx, agency); again != first {
		t.Error("an unchanged set was built again")
	}
	s.invalidate() // as on a notification from another process
	if again, _ := s.Set(ctx, agency); again != first {
		t.Error("reloading unchanged patterns gave a new set: kept renderings would be lost")
	}
	if err := s.Update(ctx, agency, id, Input{"DMS", good, "https://dms.example/neu/{nr}"}); err != nil {
		t.Fatal(err)
	}
	second, _ := s.Set(ctx, agency)
	if second == first || second.Patterns[0].Label != "DMS" {
		t.Fatalf("after update: %+v", second)
	}
	if err := s.Update(ctx, agency, id, Input{"DMS", `\w+`, "https://dms.example/neu/{nr}"}); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("broad pattern stored: %v", err)
	}
	if err := s.Delete(ctx, agency+1000, id); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("deleted through another agency: %v", err)
	}
	if err := s.Delete(ctx, agency, id); err != nil {
		t.Fatal(err)
	}
	if set, _ := s.Set(ctx, agency); set != nil {
		t.Errorf("after delete: %+v", set)
	}
	var rows int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM search_outbox WHERE kind = 'agency' AND item_id = $1`, agency).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 3 {
		t.Errorf("%d search outbox rows for the agency, want one for each of the three changes", rows)
	}
}

func TestAnAgencyHasAtMostMaxPatterns(t *testing.T) {
	ctx := context.Background()
	s, agency := newService(t)
	for i := range MaxPerAgency {
		if _, err := s.Create(ctx, agency, Input{"E-Akte", good, "https://dms.example/{nr}"}); err != nil {
			t.Fatalf("pattern %d: %v", i, err)
		}
	}
	_, err := s.Create(ctx, agency, Input{"E-Akte", good, "https://dms.example/{nr}"})
	if e, ok := errs.As(err); !ok || e.Key != "filenumbers.too_many" {
		t.Fatalf("one too many: %v", err)
	}
}
