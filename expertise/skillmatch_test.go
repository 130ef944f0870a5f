package expertise

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/server/search"
	"github.com/fachnetz/fachnetz/server/topics"
)

func ptr(id int64) *int64 { return &id }

// tree is a small topic tree and unit chart, folded as Match folds them.
func tree() (tnodes, unodes []node) {
	topic := func(id int64, parent *int64, name string, synonyms ...string) node {
		labels := []string{fold(name)}
		for _, s := range synonyms {
			labels = append(labels, fold(s))
		}
		return node{id: id, parent: parent, name: name, labels: labels}
	}
	unit := func(id int64, parent *int64, name string) node {
		return node{id: id, parent: parent, name: name, labels: []string{fold(name)}, unit: true}
	}
	tnodes = []node{
		topic(1, nil, "Vergaberecht"),
		topic(2, nil, "Vergabe von Bauleistungen"),
		topic(3, ptr(1), "Unterschwellenvergabe", "UVgO"),
		topic(4, nil, "Datenschutz"),
		{id: 5, name: "IT-Sicherheit", labels: []string{"it-sicherheit"}, slug: "it-sicherheit-2"},
		topic(6, nil, "E-Akte", "elektronische Akte"),
		topic(7, nil, "Vorgaben"),
		topic(8, nil, "Öffentlichkeitsarbeit"),
		{id: 9, name: "Xylophon", labels: []string{"xylophon"}, unsorted: true},
	}
	unodes = []node{
		unit(10, nil, "Abteilung Z – Zentrale Dienste"),
		unit(11, ptr(10), "Referat Z2 – Haushalt und Beschaffung"),
		unit(12, ptr(11), "Sachgebiet Einkauf"),
	}
	return tnodes, unodes
}

func TestMatchMapsTypedSkillsToTopicsAndUnits(t *testing.T) {
	tnodes, unodes := tree()
	for _, c := range []struct {
		typed         string
		topics, units []int64
		nearest       string
	}{
		{typed: "Vergaberecht", topics: []int64{1, 3}},
		{typed: "vergabe", topics: []int64{1, 2, 3}},          // prefix and compound part
		{typed: "Vergabb", topics: []int64{1, 2, 3}},          // one typo, at the start of a compound
		{typed: "Vergaebrecht", topics: []int64{1, 3}},        // transposed letters
		{typed: "Vergaberechts", topics: []int64{1, 3}},       // the topic inside a longer word
		{typed: "uvgo", topics: []int64{3}},                   // a synonym, without its parent
		{typed: "elektronische Akte", topics: []int64{6}},     // a synonym of several words
		{typed: "eakte", topics: []int64{6}},                  // without the hyphen
		{typed: "IT", topics: []int64{5}},                     // a short word of a name
		{typed: "Oeffentlichkeitsarbeit", topics: []int64{8}}, // umlaut written out
		{typed: "Wer kennt sich mit Vergabe aus?", topics: []int64{1, 2, 3}},
		{typed: "Beschaffung", units: []int64{11, 12}}, // a unit and the units below it
		{typed: "Beschafung", units: []int64{11, 12}},  // with a typo
		{typed: "Zentrale Dienste", units: []int64{10, 11, 12}},
		{typed: "Haushalt und Beschaffung", units: []int64{11, 12}},
		{typed: "it-sicherheit-2", topics: []int64{5}}, // the slug // the whole unit's words
		{typed: "und"}, // filler words name nothing
		{typed: "%"},   // nor wildcards
		{typed: "Dtnschtz", nearest: "Datenschutz"}, // too far for a typo: offered instead
		{typed: "Reisekosten"},                      // nothing, and nothing close
		{typed: "Xylofon"},                          // close to a proposal only, which is not offered
	} {
		m := matchNodes(fold(c.typed), tnodes, unodes)
		got, gotUnits := slices.Sorted(slices.Values(m.TopicIDs)), slices.Sorted(slices.Values(m.UnitIDs))
		if !slices.Equal(got, c.topics) || !slices.Equal(gotUnits, c.units) || m.Nearest != c.nearest {
			t.Errorf("%q: topics %v units %v nearest %q (names %s); want topics %v units %v nearest %q",
				c.typed, got, gotUnits, m.Nearest, strings.Join(m.Names(), ", "), c.topics, c.units, c.nearest)
		}
	}
}

// "Vergabe" names the topics it is part of; "Vorgaben", one edit away,
// only counts when nothing matches better.
func TestMatchPrefersPartsToTypos(t *testing.T) {
	tnodes, unodes := tree()
	m := matchNodes(fold("Vergabe"), tnodes, unodes)
	if slices.Contains(m.Topics, "Vorgaben") {
		t.Errorf("a typo match came along with the real ones: %v", m.Topics)
	}
	if m.Topics[0] != "Vergabe von Bauleistungen" && m.Topics[0] != "Vergaberecht" && m.Topics[0] != "Unterschwellenvergabe" {
		t.Errorf("topics %v", m.Topics)
	}
}

func TestMatchUsesTheGlossarysAbbreviations(t *testing.T) {
	tnodes, unodes := tree()
	tnodes[5].labels = []string{fold("E-Akte")} // without its synonym
	withGlossary(tnodes, []topics.GlossaryTerm{{Term: "Elektronische Akte", Abbreviations: []string{"E-Akte", "eAkte"}}})
	for _, typed := range []string{"elektronische Akte", "eAkte", "Elektronsche Akte"} {
		if m := matchNodes(fold(typed), tnodes, unodes); !slices.Equal(m.TopicIDs, []int64{6}) {
			t.Errorf("%q: topics %v (%v)", typed, m.TopicIDs, m.Topics)
		}
	}
}

// BenchmarkMatch matches a typo against a tree of two thousand topics with
// synonyms and two hundred units, more than an instance keeps.
func BenchmarkMatch(b *testing.B) {
	var tnodes, unodes []node
	for i := range 2000 {
		name := fmt.Sprintf("Fachgebiet %d Verwaltungsrecht", i)
		tnodes = append(tnodes, node{id: int64(i), name: name, labels: []string{fold(name), fold(fmt.Sprintf("Synonym %d", i))}})
	}
	for i := range 200 {
		name := fmt.Sprintf("Referat %d – Haushalt und Beschaffung", i)
		unodes = append(unodes, node{id: int64(i), name: name, labels: []string{fold(name)}, unit: true})
	}
	q := fold("Verwaltngsrecht")
	for b.Loop() {
		matchNodes(q, tnodes, unodes)
	}
}

func TestOSA(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"vergabb", "vergabe", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}} {
		if d := search.Typos([]rune(c.a), []rune(c.b), 10); d != c.d {
			t.Errorf("osa(%q, %q) = %d, want %d", c.a, c.b, d, c.d)
		}
		if d := search.Typos([]rune(c.a), []rune(c.b), 1); d != min(c.d, 2) {
			t.Errorf("osa(%q, %q) with limit 1 = %d", c.a, c.b, d)
		}
	}
}
