package stats

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// The property test: random agencies and spaces, random reads and
// searches over several weeks, the release rule, and an adversary who
// knows who belongs where and combines every released figure with every
// other. It must never learn that at least one person of a group of
// fewer than k did something.

type person struct {
	id     int
	agency int
}

type space struct {
	id      int
	readers map[int]bool
}

type world0 struct {
	people   []person
	agencies map[int][]int // agency → people
	spaces   []space
}

// act is one person doing something on a day.
type act struct {
	day, person int
	kind, item  string
	space       int
	agency      int
}

// fact is what one figure (released or, under a rule the adversary knows,
// withheld) tells: on some day of the days in the week, between lo and hi
// (hi < 0: no upper bound) of the candidates did (kind, item).
type fact struct {
	week              int
	scope, kind, item string
	candidates        map[int]bool
	lo, hi            int
}

func randomWorld(r *rand.Rand) world0 {
	w := world0{agencies: map[int][]int{}}
	add := func(agency int) int {
		id := len(w.people)
		w.people = append(w.people, person{id: id, agency: agency})
		w.agencies[agency] = append(w.agencies[agency], id)
		return id
	}
	// The issue's cases: a large agency, a small second one, an
	// organisation space of the large one with one external member.
	for range 12 + r.IntN(20) {
		add(1)
	}
	for range 3 + r.IntN(8) {
		add(2)
	}
	for a := 3; a < 3+r.IntN(3); a++ {
		for range 2 + r.IntN(30) {
			add(a)
		}
	}
	org := space{id: 1, readers: map[int]bool{}}
	for _, p := range w.agencies[1] {
		org.readers[p] = true
	}
	org.readers[w.agencies[2][0]] = true
	w.spaces = append(w.spaces, org)
	for s := 2; s < 2+r.IntN(5); s++ {
		sp := space{id: s, readers: map[int]bool{}}
		n := 3 + r.IntN(len(w.people))
		for range n {
			sp.readers[r.IntN(len(w.people))] = true
		}
		w.spaces = append(w.spaces, sp)
	}
	return w
}

func randomActs(r *rand.Rand, w world0, days int) []act {
	var acts []act
	for day := range days {
		for _, sp := range w.spaces {
			for page := range 3 {
				share := r.Float64() // some pages nearly everyone reads
				for p := range sp.readers {
					if r.Float64() < share {
						acts = append(acts, act{day: day, person: p, kind: Page, item: fmt.Sprintf("p%d-%d", sp.id, page), space: sp.id, agency: w.people[p].agency})
					}
				}
			}
		}
		for q := range 3 {
			share, empty := r.Float64(), r.Float64()
			for _, p := range w.people {
				if r.Float64() < share {
					item := fmt.Sprintf("q%d", q)
					acts = append(acts, act{day: day, person: p.id, kind: Search, item: item, agency: p.agency})
					if r.Float64() < empty {
						acts = append(acts, act{day: day, person: p.id, kind: SearchEmpty, item: item, agency: p.agency})
					}
				}
			}
		}
	}
	return acts
}

// population is who could stand behind a scope's figures.
func (w world0) population(scope string) map[int]bool {
	out := map[int]bool{}
	var id int
	switch {
	case scope == "instance":
		for _, p := range w.people {
			out[p.id] = true
		}
	case sscan(scope, "space:%d", &id):
		for p := range w.spaces[id-1].readers {
			out[p] = true
		}
	case sscan(scope, "agency:%d", &id):
		for _, p := range w.agencies[id] {
			out[p] = true
		}
	}
	return out
}

func sscan(s, format string, id *int) bool {
	_, err := fmt.Sscanf(s, format, id)
	return err == nil
}

// weekly counts per (week, scope, kind, item) the largest daily number of
// distinct people, as the aggregation does, with every scope the slot
// function names for an act.
func weekly(acts []act, slots func(act) []string) map[[4]string]int {
	daily := map[[5]string]map[int]bool{}
	for _, a := range acts {
		for _, scope := range slots(a) {
			key := [5]string{fmt.Sprint(a.day / 7), fmt.Sprint(a.day), scope, a.kind, a.item}
			if daily[key] == nil {
				daily[key] = map[int]bool{}
			}
			daily[key][a.person] = true
		}
	}
	out := map[[4]string]int{}
	for key, people := range daily {
		wk := [4]string{key[0], key[2], key[3], key[4]}
		out[wk] = max(out[wk], len(people))
	}
	return out
}

// newRules is the release rule of this package.
func newRules(w world0, acts []act, k int) []fact {
	rule := Rule{K: k}
	counts := weekly(acts, func(a act) []string { return []string{ScopeOf(a.kind, int64(a.space), int64(a.agency))} })
	// Every slot the rule would fill, so that a withheld figure tells the
	// adversary "fewer than k" where the scope is large enough.
	var facts []fact
	seen := map[[4]string]bool{}
	for _, a := range acts {
		key := [4]string{fmt.Sprint(a.day / 7), ScopeOf(a.kind, int64(a.space), int64(a.agency)), a.kind, a.item}
		if seen[key] {
			continue
		}
		seen[key] = true
		pop := w.population(key[1])
		f := fact{week: a.day / 7, scope: key[1], kind: a.kind, item: a.item, candidates: pop, lo: 0, hi: -1}
		if len(pop) >= rule.MinPopulation() {
			b := rule.Band(counts[key], len(pop))
			switch {
			case b.Lo == 0: // withheld: fewer than k
				f.hi = k
			case b.Hi == 0: // open band
				f.lo = b.Lo
			default:
				f.lo, f.hi = b.Lo, b.Hi
			}
		}
		facts = append(facts, f)
	}
	return facts
}

// oldRules is the release rule before: every item in the instance and the
// agency of the person, pages and questions also in their space if at
// least 10 may read it; no minimum for agencies; bands from counts alone.
// A withheld figure of any of these scopes tells "fewer than k".
func oldRules(w world0, acts []act, k int) []fact {
	crowded := func(sp int) bool { return len(w.spaces[sp-1].readers) >= 10 }
	counts := weekly(acts, func(a act) []string {
		if a.space != 0 && !crowded(a.space) {
			return nil
		}
		out := []string{"instance", AgencyScope(int64(a.agency))}
		if a.space != 0 {
			out = append(out, SpaceScope(int64(a.space)))
		}
		return out
	})
	var facts []fact
	seen := map[[3]string]bool{}
	for _, a := range acts {
		item := [3]string{fmt.Sprint(a.day / 7), a.kind, a.item}
		if seen[item] || a.space != 0 && !crowded(a.space) {
			continue
		}
		seen[item] = true
		scopes := append([]string{"instance"}, agencyScopes(w)...)
		if a.space != 0 {
			scopes = append(scopes, SpaceScope(int64(a.space)))
		}
		for _, scope := range scopes {
			cand := w.population(scope)
			if a.space != 0 { // only readers of the space could read its page
				for p := range cand {
					if !w.spaces[a.space-1].readers[p] {
						delete(cand, p)
					}
				}
			}
			f := fact{week: a.day / 7, scope: scope, kind: a.kind, item: a.item, candidates: cand, hi: k}
			if n := counts[[4]string{item[0], scope, a.kind, a.item}]; n >= 25 {
				f.lo, f.hi = 25, -1
			} else if n >= 10 {
				f.lo, f.hi = 10, 25
			} else if n >= k {
				f.lo, f.hi = k, 10
			}
			facts = append(facts, f)
		}
	}
	return facts
}

func agencyScopes(w world0) []string {
	var out []string
	for a := range w.agencies {
		out = append(out, AgencyScope(int64(a)))
	}
	return out
}

// adversary combines every fact alone and every pair that describe nested
// groups: the same item and week in nested candidate sets, or a search
// and its content gap (those who found nothing are among those who
// searched) in the same scope. It returns the first inference that at
// least one person of a group of fewer than k did something.
func adversary(facts []fact, k int) string {
	bounded := func(l int, group map[int]bool) bool {
		// "at least l of the group" leaves every subgroup of fewer than k
		// possibly empty only while l ≤ |group| − k + 1.
		return l >= 1 && l > len(group)-k+1
	}
	for _, f := range facts {
		if bounded(f.lo, f.candidates) {
			return fmt.Sprintf("%s %s %s week %d: at least %d of %d", f.scope, f.kind, f.item, f.week, f.lo, len(f.candidates))
		}
	}
	for i, big := range facts {
		for j, small := range facts {
			if i == j || big.week != small.week || big.lo == 0 || small.hi < 0 {
				continue
			}
			// The people in big's group who are not in small's: for the
			// same item in nested scopes the candidates outside small's
			// scope, for a search and its gap the searchers who found
			// something, among all candidates of the scope.
			var group map[int]bool
			switch {
			case big.kind == small.kind && big.item == small.item && big.scope != small.scope && subset(small.candidates, big.candidates):
				group = map[int]bool{}
				for p := range big.candidates {
					if !small.candidates[p] {
						group[p] = true
					}
				}
			case big.kind == Search && small.kind == SearchEmpty && big.item == small.item && big.scope == small.scope:
				group = big.candidates
			default:
				continue
			}
			if l := big.lo - (small.hi - 1); bounded(l, group) {
				return fmt.Sprintf("%s %s %s minus %s %s %s week %d: at least %d of %d", big.scope, big.kind, big.item, small.scope, small.kind, small.item, big.week, l, len(group))
			}
		}
	}
	return ""
}

func subset(a, b map[int]bool) bool {
	for p := range a {
		if !b[p] {
			return false
		}
	}
	return true
}

func TestReleasedFiguresNeverSingleOutFewerThanK(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 19))
		w := randomWorld(r)
		acts := randomActs(r, w, 14)
		for _, k := range []int{5, 7} {
			if leak := adversary(newRules(w, acts, k), k); leak != "" {
				t.Fatalf("seed %d, k %d: %s", seed, k, leak)
			}
		}
	}
}

// The adversary is not blind: under the old rules it finds the issue's
// attacks in most random worlds.
func TestAdversaryFindsTheOldRulesLeaks(t *testing.T) {
	found := 0
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 19))
		w := randomWorld(r)
		if adversary(oldRules(w, randomActs(r, w, 14), 5), 5) != "" {
			found++
		}
	}
	if found < 25 {
		t.Fatalf("old rules leaked in only %d of 50 worlds", found)
	}
}

// The issue's two attacks, exactly: an organisation space with one
// external member, four colleagues and the external member reading a
// page; four colleagues and a small second agency of six searching. The
// old rules give both away, the new ones neither.
func TestIssueAttacks(t *testing.T) {
	w := world0{agencies: map[int][]int{}}
	for i := range 18 {
		agency := 1
		if i >= 12 {
			agency = 2
		}
		w.people = append(w.people, person{id: i, agency: agency})
		w.agencies[agency] = append(w.agencies[agency], i)
	}
	org := space{id: 1, readers: map[int]bool{12: true}}
	for _, p := range w.agencies[1] {
		org.readers[p] = true
	}
	w.spaces = []space{org}
	var acts []act
	for _, p := range []int{0, 1, 2, 3, 12} {
		acts = append(acts, act{person: p, kind: Page, item: "p1-0", space: 1, agency: w.people[p].agency})
	}
	for _, p := range []int{0, 1, 2, 3, 12, 13, 14, 15, 16, 17} {
		acts = append(acts, act{person: p, kind: Search, item: "q0", agency: w.people[p].agency})
	}
	if leak := adversary(newRules(w, acts, 5), 5); leak != "" {
		t.Fatal(leak)
	}
	// Each attack alone, against the old rules.
	pageOnly, searchOnly := acts[:5], acts[5:]
	if leak := adversary(oldRules(w, pageOnly, 5), 5); !strings.Contains(leak, "minus agency:1 page p1-0 week 0: at least 1 of 1") {
		t.Fatalf("external member: %q", leak)
	}
	// The agency of six alone ("5 of 6": nearly everyone), and the
	// instance minus the own agency.
	if leak := adversary(oldRules(w, searchOnly, 5), 5); leak == "" {
		t.Fatal("the small second agency went unnoticed")
	}
}
