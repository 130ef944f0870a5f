// Package bounded holds a map that keeps what was computed from the
// database for reuse, within a budget of bytes, so that a cache cannot
// grow a server past its memory target however much is asked of it.
package bounded

import "sync"

// Map is safe for concurrent use. When an entry would exceed the budget,
// entries are dropped at random (Go's map order) until it fits: cheap,
// and with the hot entries asked again at once, good enough.
type Map[K comparable, V any] struct {
	mu      sync.Mutex
	budget  int
	size    func(V) int
	entries map[K]V
	used    int
}

// New returns a map of at most budget bytes, each value counted by size.
func New[K comparable, V any](budget int, size func(V) int) *Map[K, V] {
	return &Map[K, V]{budget: budget, size: size, entries: map[K]V{}}
}

// Get returns the value kept under key.
func (m *Map[K, V]) Get(key K) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.entries[key]
	return v, ok
}

// Put keeps value under key; a value larger than an eighth of the budget
// is not kept, so that one large value cannot empty the map.
func (m *Map[K, V]) Put(key K, value V) {
	n := m.size(value)
	if n > m.budget/8 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.entries[key]; ok {
		m.used -= m.size(old)
		delete(m.entries, key)
	}
	for k, v := range m.entries {
		if m.used+n <= m.budget {
			break
		}
		m.used -= m.size(v)
		delete(m.entries, k)
	}
	m.entries[key] = value
	m.used += n
}

// Used is the bytes held.
func (m *Map[K, V]) Used() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.used
}

// Len is the number of entries.
func (m *Map[K, V]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}
