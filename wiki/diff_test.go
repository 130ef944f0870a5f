package wiki

import (
	"reflect"
	"testing"
)

func TestWordDiff(t *testing.T) {
	got := WordDiff("Der Antrag ist bis Freitag einzureichen.", "Der Bauantrag ist bis Montag einzureichen.")
	want := []Change{
		{"equal", "Der "},
		{"delete", "Antrag"},
		{"insert", "Bauantrag"},
		{"equal", " ist bis "},
		{"delete", "Freitag"},
		{"insert", "Montag"},
		{"equal", " einzureichen."},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("WordDiff = %#v", got)
	}
	if d := WordDiff("gleich", "gleich"); len(d) != 1 || d[0].Op != "equal" {
		t.Fatalf("equal texts: %#v", d)
	}
	// Putting the runs of either side together gives back that side.
	from, to := "Zeile eins\nZeile zwei mit Ümlaut", "Zeile eins\nneue Zeile zwei mit Umlaut\n"
	var a, b string
	for _, c := range WordDiff(from, to) {
		if c.Op != "insert" {
			a += c.Text
		}
		if c.Op != "delete" {
			b += c.Text
		}
	}
	if a != from || b != to {
		t.Fatalf("reassembled %q / %q", a, b)
	}
}
