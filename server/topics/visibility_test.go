package topics

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// A topic typed on content only some may read is seen only by them (and
// whoever typed it): not in suggestions, not as a topic page, not in the
// API, not in the knowledge managers' queue; its proposer is named only to
// who may read all content carrying it.
func TestProposalsStayWithTheirContent(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	// readers is who may read the content carrying the proposals: the
	// areas answer this, here a stand-in.
	readers := map[int64]bool{}
	var carried []int64
	s.RegisterCarriers(func(_ context.Context, v *web.Viewer, ids []int64) (map[int64]Carried, error) {
		out := map[int64]Carried{}
		for _, id := range ids {
			for _, c := range carried {
				if c == id {
					out[id] = Carried{Readable: readers[v.ID], Hidden: !readers[v.ID]}
				}
			}
		}
		return out, nil
	})
	r := engine(t, s)
	proposer := account(t, "vertraulich")
	for i := 0; proposer == km.ID || proposer == member.ID; i++ { // the test viewers' ids
		proposer = account(t, fmt.Sprintf("vertraulich%d", i))
	}
	list, err := s.Resolve(ctx, []string{"Kündigung Herr Maier"}, proposer)
	if err != nil {
		t.Fatal(err)
	}
	p := list[0]
	carried = append(carried, p.ID)

	// Neither a member nor a knowledge manager who may not read the
	// content sees anything of it.
	for _, who := range []string{"member", "km"} {
		expect(t, doJSON(r, who, "GET", "/api/v1/topics/suggest?q=kuendigung", ""), http.StatusOK, `"suggestions":[]`)
		expect(t, do(r, who, "GET", "/themen/"+p.Slug, nil), http.StatusNotFound)
		expect(t, doJSON(r, who, "GET", "/api/v1/topics/"+p.Slug, ""), http.StatusNotFound)
		if w := doJSON(r, who, "GET", "/api/v1/topics?limit=1000", ""); strings.Contains(w.Body.String(), "Maier") {
			t.Errorf("%s finds the proposal in the topic list", who)
		}
	}
	if w := do(r, "km", "GET", "/themen/verwalten", nil); strings.Contains(w.Body.String(), "Maier") || strings.Contains(w.Body.String(), "Person vertraulich") {
		t.Error("the knowledge managers' queue shows a proposal from content they may not read")
	}
	expect(t, do(r, "km", "GET", "/themen/verwalten/"+p.Slug, nil), http.StatusNotFound)

	// A reader of the content sees it, and who proposed it.
	readers[km.ID] = true
	expect(t, doJSON(r, "km", "GET", "/api/v1/topics/suggest?q=kuendigung", ""), http.StatusOK, "Kündigung Herr Maier")
	expect(t, do(r, "km", "GET", "/themen/verwalten", nil), http.StatusOK, "Kündigung Herr Maier", "Person vertraulich")
	expect(t, do(r, "member", "GET", "/themen/"+p.Slug, nil), http.StatusNotFound)

	// A proposal is no parent: its name would stand above a sorted topic
	// for every reader of that topic.
	if _, problems, err := s.Create(ctx, km, TopicInput{Name: "Unter dem Vorschlag", ParentID: &p.ID}); err != nil || len(problems) != 1 || problems[0].Key != "topics.parent_unknown" {
		t.Errorf("a topic created below a proposal: %v %v", problems, err)
	}
	sorted, _, err := s.Create(ctx, km, TopicInput{Name: "Sortiertes Thema"})
	if err != nil {
		t.Fatal(err)
	}
	if problems, err := s.Move(ctx, km, sorted, &p.ID); err != nil || len(problems) != 1 || problems[0].Key != "topics.parent_unknown" {
		t.Errorf("a topic moved below a proposal: %v %v", problems, err)
	}

	// Members see when a topic changed to the day only.
	readers[member.ID] = true
	w := doJSON(r, "member", "GET", "/api/v1/topics/"+p.Slug, "")
	expect(t, w, http.StatusOK, "Kündigung Herr Maier", `T00:00:00Z"`)
}

// One item carries at most 20 topics, and one request proposes at most 5
// new ones; beyond, nothing is proposed and the message says why.
func TestResolveLimitsTopics(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	before, err := s.Store.UnsortedCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var many, fresh []string
	for i := range 21 {
		many = append(many, fmt.Sprintf("Grenzthema %d", i))
	}
	for i := range 6 {
		fresh = append(fresh, fmt.Sprintf("Neuthema %d", i))
	}
	_, err = s.Resolve(ctx, many, 0)
	if e, ok := errs.As(err); !ok || e.Key != "topics.too_many" || e.Field != "topics" || !errs.Is(err, errs.Invalid) {
		t.Errorf("21 topics: %v", err)
	}
	_, err = s.Resolve(ctx, fresh, 0)
	if e, ok := errs.As(err); !ok || e.Key != "topics.too_many_new" || e.Field != "topics" {
		t.Errorf("6 new topics: %v", err)
	}
	if after, _ := s.Store.UnsortedCount(ctx); after != before {
		t.Errorf("refused requests proposed %d topics", after-before)
	}
	if got, err := s.Resolve(ctx, fresh[:5], 0); err != nil || len(got) != 5 {
		t.Errorf("5 new topics: %v %v", got, err)
	}
}
