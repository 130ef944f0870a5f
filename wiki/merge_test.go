package wiki

import (
	"reflect"
	"strings"
	"testing"
)

const mergeBase = "# Bauantrag\n\nDer Antrag ist bis Freitag einzureichen.\n\nZuständig ist Referat 2.\n\nRückfragen an die Poststelle.\n"

func TestMerge3Separate(t *testing.T) {
	ours := strings.Replace(mergeBase, "bis Freitag", "bis Montag", 1)
	theirs := strings.Replace(mergeBase, "Poststelle", "Bürgerberatung", 1)
	m := Merge3(mergeBase, ours, theirs)
	want := strings.Replace(ours, "Poststelle", "Bürgerberatung", 1)
	if m.Text != want || len(m.Conflicts) != 0 {
		t.Fatalf("Merge3 = %q, %d conflicts; want %q", m.Text, len(m.Conflicts), want)
	}
	// Additions at both ends.
	m = Merge3(mergeBase, "Vorwort\n\n"+mergeBase, mergeBase+"\nAnhang\n")
	if m.Text != "Vorwort\n\n"+mergeBase+"\nAnhang\n" || len(m.Conflicts) != 0 {
		t.Fatalf("additions: %q %v", m.Text, m.Conflicts)
	}
}

func TestMerge3Overlapping(t *testing.T) {
	ours := strings.Replace(mergeBase, "bis Freitag", "bis Montag", 1)
	theirs := strings.Replace(mergeBase, "bis Freitag", "bis Donnerstag", 1)
	theirs = strings.Replace(theirs, "Poststelle", "Bürgerberatung", 1)
	m := Merge3(mergeBase, ours, theirs)
	want := []Conflict{{Field: "body", Base: "Der Antrag ist bis Freitag einzureichen.\n",
		Ours: "Der Antrag ist bis Montag einzureichen.\n", Theirs: "Der Antrag ist bis Donnerstag einzureichen.\n"}}
	if !reflect.DeepEqual(m.Conflicts, want) {
		t.Fatalf("conflicts = %#v", m.Conflicts)
	}
	// The text keeps both versions of the conflict and the separate change.
	for _, s := range []string{"bis Montag", "bis Donnerstag", "Bürgerberatung", "Zuständig ist Referat 2."} {
		if !strings.Contains(m.Text, s) {
			t.Fatalf("merged text lacks %q: %q", s, m.Text)
		}
	}
	if strings.Contains(m.Text, "Freitag") || strings.Contains(m.Text, "Poststelle") {
		t.Fatalf("merged text keeps what both sides changed: %q", m.Text)
	}
}

func TestMerge3SameChange(t *testing.T) {
	both := strings.Replace(mergeBase, "Referat 2", "Referat 3", 1)
	ours := strings.Replace(both, "Freitag", "Montag", 1)
	m := Merge3(mergeBase, ours, both)
	if m.Text != ours || len(m.Conflicts) != 0 {
		t.Fatalf("identical change: %q %v", m.Text, m.Conflicts)
	}
}

func TestMerge3DeletionAgainstEdit(t *testing.T) {
	ours := strings.Replace(mergeBase, "Zuständig ist Referat 2.", "Zuständig ist Referat 3.", 1)
	theirs := strings.Replace(mergeBase, "Zuständig ist Referat 2.\n\n", "", 1)
	m := Merge3(mergeBase, ours, theirs)
	if len(m.Conflicts) != 1 || !strings.Contains(m.Conflicts[0].Ours, "Referat 3") || strings.Contains(m.Conflicts[0].Theirs, "Referat") {
		t.Fatalf("deletion against edit: %#v", m.Conflicts)
	}
	if !strings.Contains(m.Text, "Referat 3") {
		t.Fatalf("the edit is lost: %q", m.Text)
	}
	// A deletion where the other side changed something else merges.
	ours = strings.Replace(mergeBase, "Poststelle", "Bürgerberatung", 1)
	m = Merge3(mergeBase, ours, theirs)
	if len(m.Conflicts) != 0 || strings.Contains(m.Text, "Referat") || !strings.Contains(m.Text, "Bürgerberatung") {
		t.Fatalf("deletion and separate edit: %q %v", m.Text, m.Conflicts)
	}
}

func TestMergeValueAndSet(t *testing.T) {
	if v, c := MergeValue("Alt", "Alt", "Neu"); v != "Neu" || c {
		t.Fatalf("theirs only: %q %v", v, c)
	}
	if v, c := MergeValue("Alt", "Mein", "Alt"); v != "Mein" || c {
		t.Fatalf("ours only: %q %v", v, c)
	}
	if v, c := MergeValue("Alt", "Gleich", "Gleich"); v != "Gleich" || c {
		t.Fatalf("same: %q %v", v, c)
	}
	if v, c := MergeValue("Alt", "Mein", "Dein"); v != "Mein" || !c {
		t.Fatalf("both: %q %v", v, c)
	}
	got := MergeSet([]string{"Bauen", "Recht"}, []string{"Bauen", "Recht", "Fristen"}, []string{"Bauen"})
	if !reflect.DeepEqual(got, []string{"Bauen", "Fristen"}) {
		t.Fatalf("MergeSet = %v", got)
	}
}
