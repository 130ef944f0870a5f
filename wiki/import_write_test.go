package wiki

import (
	"context"
	"errors"
	"testing"

	"github.com/fachnetz/fachnetz/server/errs"
)

// Only names the topics refuse become the form's message about a page;
// a failing database stays an error of the server.
func TestImportTopicErrorsKeepTheirKind(t *testing.T) {
	ar, err := openArchive(zipOf(t, entry{name: "seite.md", data: "---\ntitle: Seite\ntopics:\n- Baurecht\n---\nText\n"}), testLimits)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := readPlan(ar)
	if err != nil {
		t.Fatal(err)
	}
	with := func(fail error) error {
		wk := &Wiki{deps: Deps{
			ResolveTopics: func(context.Context, []string, int64) ([]int64, error) { return nil, fail },
			UnknownTopics: func(context.Context, []string) ([]string, error) { return nil, fail },
		}}
		return wk.checkImportTopics(context.Background(), plan)
	}
	down := errors.New("connection refused")
	if err := with(down); !errors.Is(err, down) || errs.CodeOf(err) != errs.Internal {
		t.Errorf("a database error: got %v (%s), want it kept", err, errs.CodeOf(err))
	}
	err = with(errs.E(errs.Invalid, "topics.too_many_new").OnField("topics"))
	if e, ok := errs.As(err); !ok || e.Key != "wiki.import.topics" || e.Field != "file" {
		t.Errorf("refused names: got %v, want wiki.import.topics on the file field", err)
	}
}
