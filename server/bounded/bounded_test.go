package bounded

import (
	"strings"
	"testing"
)

func TestMapStaysWithinItsBudget(t *testing.T) {
	m := New[int](1000, func(s string) int { return len(s) })
	for i := range 500 {
		m.Put(i, strings.Repeat("x", 1+i%100))
		if m.Used() > 1000 {
			t.Fatalf("after %d puts the map holds %d bytes, more than 1000", i+1, m.Used())
		}
	}
	if m.Len() == 0 {
		t.Fatal("the map keeps nothing")
	}
	m.Put(-1, "neu")
	if v, ok := m.Get(-1); !ok || v != "neu" {
		t.Fatalf("the newest value is not kept: %q, %v", v, ok)
	}
	m.Put(-1, "ersetzt")
	if v, _ := m.Get(-1); v != "ersetzt" {
		t.Fatalf("a replaced value is kept: %q", v)
	}
	m.Put(-2, strings.Repeat("y", 200)) // more than an eighth
	if _, ok := m.Get(-2); ok {
		t.Fatal("a value larger than an eighth of the budget is kept")
	}
}

func TestReplacingCountsTheNewSize(t *testing.T) {
	m := New[string](100, func(s string) int { return len(s) })
	m.Put("a", "1234567890")
	m.Put("a", "12")
	if m.Used() != 2 {
		t.Fatalf("used %d after replacing 10 bytes with 2", m.Used())
	}
}
