package expertise

// treeNode is a unit of an agency as the directory and the org chart hold
// it: known by id, below its parent, with the units below it.
type treeNode[T any] interface {
	node() (id int64, parent *int64)
	adopt(child T)
}

// treeOfUnits hangs every unit below its parent and returns the units that have
// none among units, keeping their order. A parent outside units (or a
// cycle of parents, which nothing makes) leaves a unit unreached.
func treeOfUnits[T treeNode[T]](units []T) []T {
	byID := make(map[int64]T, len(units))
	for _, u := range units {
		id, _ := u.node()
		byID[id] = u
	}
	var roots []T
	for _, u := range units {
		if _, parent := u.node(); parent != nil {
			if p, ok := byID[*parent]; ok {
				p.adopt(u)
				continue
			}
		}
		roots = append(roots, u)
	}
	return roots
}

func (u *OrgUnit) node() (int64, *int64)   { return u.ID, u.ParentID }
func (u *OrgUnit) adopt(child *OrgUnit)    { u.Children = append(u.Children, child) }
func (u *ChartUnit) node() (int64, *int64) { return u.ID, u.ParentID }
func (u *ChartUnit) adopt(child *ChartUnit) {
	u.Children = append(u.Children, child)
}
