package wiki

import (
	"fmt"
	"testing"
)

func node(id int64, parent int64, title string) Node {
	n := Node{ID: id, Slug: title, Title: title}
	if parent != 0 {
		n.ParentID = &parent
	}
	return n
}

func TestPathTreeShowsAWindowOfALongLevel(t *testing.T) {
	var nodes []Node
	for i := range 60 {
		nodes = append(nodes, node(int64(i+1), 0, fmt.Sprintf("seite-%02d", i)))
	}
	items := pathTree("raum", nodes, 41)
	if len(items) != treeWindow+2 {
		t.Fatalf("got %d items, want %d pages and two links to the rest", len(items), treeWindow)
	}
	first, last := items[0], items[len(items)-1]
	if first.More == 0 || last.More == 0 || first.More+last.More != 60-treeWindow {
		t.Fatalf("left out %d before and %d after, want %d in all", first.More, last.More, 60-treeWindow)
	}
	if first.URL != "/bereiche/raum" {
		t.Fatalf("the rest links to %q, want the space", first.URL)
	}
	current := 0
	for _, it := range items {
		if it.Current {
			current++
			if it.ID != 41 {
				t.Fatalf("page %d marked current", it.ID)
			}
		}
	}
	if current != 1 {
		t.Fatalf("%d pages marked current, want the page shown", current)
	}
}

func TestPathTreeOpensOnlyThePathToThePage(t *testing.T) {
	nodes := []Node{
		node(1, 0, "a"), node(2, 1, "b"), node(3, 2, "c"), node(4, 3, "d"),
		node(5, 0, "x"), node(6, 5, "y"),
	}
	items := pathTree("raum", nodes, 3)
	if len(items) != 2 || items[0].ID != 1 || items[1].ID != 5 {
		t.Fatalf("top level: %+v", items)
	}
	if items[1].Children != nil {
		t.Fatal("a branch off the path is open")
	}
	c := items[0].Children[0].Children[0]
	if c.ID != 3 || !c.Current || len(c.Children) != 1 || c.Children[0].ID != 4 {
		t.Fatalf("the page and the pages below it: %+v", c)
	}
}

func TestPathTreeEndsAtACycleOfParents(t *testing.T) {
	nodes := []Node{node(1, 2, "a"), node(2, 1, "b"), node(3, 0, "c")}
	items := pathTree("raum", nodes, 1)
	if len(items) != 1 || items[0].ID != 3 {
		t.Fatalf("got %+v, want the one page with a real parent chain", items)
	}
}
