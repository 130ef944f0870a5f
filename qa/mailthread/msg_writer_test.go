package mailthread

import (
	"encoding/binary"
	"sort"
	"strings"
	"unicode/utf16"
)

// cfbNode is a storage (with children) or a stream (with data) of a
// compound file to write.
type cfbNode struct {
	name     string
	storage  bool
	data     []byte
	children []*cfbNode
}

const (
	cfbSector     = 512
	cfbMini       = 64
	cfbCutoff     = 4096
	cfbFree       = 0xFFFFFFFF
	cfbEnd        = 0xFFFFFFFE
	cfbFATSect    = 0xFFFFFFFD
	cfbNoStream   = 0xFFFFFFFF
	cfbDirPerSect = cfbSector / 128
)

// writeCompound writes a version 3 compound file ([MS-CFB]) holding the
// children of root: streams under 4096 bytes in the mini stream, larger
// ones in sectors of their own. No DIFAT sectors, so up to 109 FAT
// sectors, some 7 MB: enough for test messages.
func writeCompound(root []*cfbNode) []byte {
	type entry struct {
		node            *cfbNode
		left, right     uint32
		child           uint32
		start           uint32
		size            uint64
		typ             byte
		name            string
		miniSect, nSect int
	}
	entries := []*entry{{name: "Root Entry", typ: 5, left: cfbNoStream, right: cfbNoStream, child: cfbNoStream}}
	// add numbers the children of one storage and links them as a
	// balanced tree in the order the format prescribes.
	var add func(children []*cfbNode) uint32
	add = func(children []*cfbNode) uint32 {
		sorted := append([]*cfbNode(nil), children...)
		sort.Slice(sorted, func(i, j int) bool { return cfbLess(sorted[i].name, sorted[j].name) })
		ids := make([]uint32, len(sorted))
		for i, n := range sorted {
			e := &entry{node: n, name: n.name, typ: 2, left: cfbNoStream, right: cfbNoStream, child: cfbNoStream}
			if n.storage {
				e.typ = 1
			}
			ids[i] = uint32(len(entries))
			entries = append(entries, e)
		}
		for i, n := range sorted {
			if n.storage {
				entries[ids[i]].child = add(n.children)
			}
		}
		var tree func(lo, hi int) uint32
		tree = func(lo, hi int) uint32 {
			if lo >= hi {
				return cfbNoStream
			}
			mid := (lo + hi) / 2
			e := entries[ids[mid]]
			e.left, e.right = tree(lo, mid), tree(mid+1, hi)
			return ids[mid]
		}
		return tree(0, len(sorted))
	}
	entries[0].child = add(root)

	// Mini stream and large streams.
	var mini []byte
	var miniFAT []uint32
	var large [][]byte
	var largeEntries []*entry
	for _, e := range entries[1:] {
		if e.typ != 2 {
			continue
		}
		e.size = uint64(len(e.node.data))
		switch {
		case len(e.node.data) == 0:
			e.start = cfbEnd
		case len(e.node.data) < cfbCutoff:
			first := len(mini) / cfbMini
			n := (len(e.node.data) + cfbMini - 1) / cfbMini
			for i := 0; i < n; i++ {
				next := uint32(first + i + 1)
				if i == n-1 {
					next = cfbEnd
				}
				miniFAT = append(miniFAT, next)
			}
			mini = append(mini, pad(e.node.data, cfbMini)...)
			e.start = uint32(first)
		default:
			large = append(large, e.node.data)
			largeEntries = append(largeEntries, e)
		}
	}
	sectors := func(n int) int { return (n + cfbSector - 1) / cfbSector }
	nDir := (len(entries) + cfbDirPerSect - 1) / cfbDirPerSect
	nMiniFAT := sectors(len(miniFAT) * 4)
	nMini := sectors(len(mini))
	nLarge := 0
	for _, d := range large {
		nLarge += sectors(len(d))
	}
	nFAT := 1
	for nFAT*cfbSector/4 < nFAT+nDir+nMiniFAT+nMini+nLarge {
		nFAT++
	}
	if nFAT > 109 {
		panic("compound file too large for the test writer")
	}
	total := nFAT + nDir + nMiniFAT + nMini + nLarge
	fat := make([]uint32, nFAT*cfbSector/4)
	for i := range fat {
		fat[i] = cfbFree
	}
	next := 0
	chain := func(n int) uint32 {
		if n == 0 {
			return cfbEnd
		}
		start := next
		for i := 0; i < n; i++ {
			fat[next] = uint32(next + 1)
			if i == n-1 {
				fat[next] = cfbEnd
			}
			next++
		}
		return uint32(start)
	}
	for i := 0; i < nFAT; i++ {
		fat[next] = cfbFATSect
		next++
	}
	dirStart := chain(nDir)
	miniFATStart := chain(nMiniFAT)
	entries[0].start = chain(nMini)
	entries[0].size = uint64(len(mini))
	for i, d := range large {
		largeEntries[i].start = chain(sectors(len(d)))
	}

	out := make([]byte, cfbSector*(1+total))
	h := out[:cfbSector]
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le := binary.LittleEndian
	le.PutUint16(h[24:], 0x3E)
	le.PutUint16(h[26:], 3)
	le.PutUint16(h[28:], 0xFFFE)
	le.PutUint16(h[30:], 9)
	le.PutUint16(h[32:], 6)
	le.PutUint32(h[44:], uint32(nFAT))
	le.PutUint32(h[48:], dirStart)
	le.PutUint32(h[56:], cfbCutoff)
	le.PutUint32(h[60:], miniFATStart)
	le.PutUint32(h[64:], uint32(nMiniFAT))
	le.PutUint32(h[68:], cfbEnd)
	for i := 0; i < 109; i++ {
		v := uint32(cfbFree)
		if i < nFAT {
			v = uint32(i)
		}
		le.PutUint32(h[76+4*i:], v)
	}
	sect := func(n uint32) []byte { return out[cfbSector*(int(n)+1):] }
	for i, v := range fat {
		le.PutUint32(out[cfbSector+4*i:], v)
	}
	dir := sect(dirStart)
	for i := 0; i < nDir*cfbDirPerSect; i++ {
		d := dir[128*i : 128*(i+1)]
		le.PutUint32(d[68:], cfbNoStream)
		le.PutUint32(d[72:], cfbNoStream)
		le.PutUint32(d[76:], cfbNoStream)
		if i >= len(entries) {
			continue
		}
		e := entries[i]
		u := utf16.Encode([]rune(e.name))
		for j, c := range u {
			le.PutUint16(d[2*j:], c)
		}
		le.PutUint16(d[64:], uint16(2*len(u)+2))
		d[66], d[67] = e.typ, 1
		le.PutUint32(d[68:], e.left)
		le.PutUint32(d[72:], e.right)
		le.PutUint32(d[76:], e.child)
		le.PutUint32(d[116:], e.start)
		le.PutUint64(d[120:], e.size)
	}
	if nMiniFAT > 0 {
		mf := sect(miniFATStart)
		for i := 0; i < nMiniFAT*cfbSector/4; i++ {
			v := uint32(cfbFree)
			if i < len(miniFAT) {
				v = miniFAT[i]
			}
			le.PutUint32(mf[4*i:], v)
		}
		copy(sect(entries[0].start), mini)
	}
	for i, d := range large {
		copy(sect(largeEntries[i].start), d)
	}
	return out
}

// cfbLess orders sibling names as the format does: shorter names first,
// then by upper case.
func cfbLess(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	if len(ua) != len(ub) {
		return len(ua) < len(ub)
	}
	return strings.ToUpper(a) < strings.ToUpper(b)
}

func pad(b []byte, n int) []byte {
	if r := len(b) % n; r != 0 {
		return append(append([]byte(nil), b...), make([]byte, n-r)...)
	}
	return b
}
