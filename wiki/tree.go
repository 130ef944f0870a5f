package wiki

import "net/url"

// TreeItem is a page in the rendered tree, with the pages below it. An
// item with More stands for that many pages of its level left out.
type TreeItem struct {
	Node
	URL      string      `json:"url"`
	Current  bool        `json:"-"`
	More     int         `json:"-"`
	Children []*TreeItem `json:"children"`
}

// buildTree nests the flat page list of a space.
func buildTree(space string, nodes []Node, current int64) []*TreeItem {
	items := make(map[int64]*TreeItem, len(nodes))
	for _, n := range nodes {
		items[n.ID] = &TreeItem{Node: n, URL: PageURL(space, n.Slug), Current: n.ID == current}
	}
	var roots []*TreeItem
	for _, n := range nodes {
		it := items[n.ID]
		if n.ParentID != nil && items[*n.ParentID] != nil {
			parent := items[*n.ParentID]
			parent.Children = append(parent.Children, it)
			continue
		}
		roots = append(roots, it)
	}
	return roots
}

// treeWindow is how many pages of one level the tree beside a page shows.
// Repeating all pages of a space of hundreds on every page costs time to
// send and render, and a screen reader or a phone user must get past them
// all; the space's home lists every page.
const treeWindow = 25

// pathTree is the tree beside a page: the top level and, along the path to
// the current page, the pages below each of its ancestors and below the
// page itself; other branches stay closed. A long level shows a window
// around the page on the path, and what it leaves out links to the space.
func pathTree(space string, nodes []Node, current int64) []*TreeItem {
	known := make(map[int64]*Node, len(nodes))
	for i := range nodes {
		known[nodes[i].ID] = &nodes[i]
	}
	parentOf := func(n *Node) int64 {
		if n.ParentID == nil || known[*n.ParentID] == nil {
			return 0
		}
		return *n.ParentID
	}
	children := make(map[int64][]*Node)
	for i := range nodes {
		p := parentOf(&nodes[i])
		children[p] = append(children[p], &nodes[i])
	}
	onPath := map[int64]bool{}
	// The length bound stops at a cycle of parents, which moves prevent
	// but a tree must not hang on.
	for n := known[current]; n != nil && !onPath[n.ID] && len(onPath) <= len(nodes); n = known[parentOf(n)] {
		onPath[n.ID] = true
	}
	home := "/bereiche/" + url.PathEscape(space)
	var level func(parent int64) []*TreeItem
	level = func(parent int64) []*TreeItem {
		kids := children[parent]
		lo, hi := treeSlice(kids, onPath)
		items := make([]*TreeItem, 0, hi-lo+2)
		if lo > 0 {
			items = append(items, &TreeItem{URL: home, More: lo})
		}
		for _, n := range kids[lo:hi] {
			it := &TreeItem{Node: *n, URL: PageURL(space, n.Slug), Current: n.ID == current}
			if onPath[n.ID] {
				it.Children = level(n.ID)
			}
			items = append(items, it)
		}
		if hi < len(kids) {
			items = append(items, &TreeItem{URL: home, More: len(kids) - hi})
		}
		return items
	}
	return level(0)
}

// treeSlice picks the window of a level: centred on the page on the path
// when the level holds one, else its beginning.
func treeSlice(kids []*Node, onPath map[int64]bool) (lo, hi int) {
	if len(kids) <= treeWindow {
		return 0, len(kids)
	}
	at := 0
	for i, n := range kids {
		if onPath[n.ID] {
			at = i
			break
		}
	}
	lo = max(0, min(at-treeWindow/2, len(kids)-treeWindow))
	return lo, lo + treeWindow
}
