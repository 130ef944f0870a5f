package stats

import "sync"

// countedLimit bounds the memory of counted: about 100 bytes an entry.
const countedLimit = 50_000

// counted remembers the pseudonyms this process has written today, so
// that reading a page again costs no write that the table's uniqueness
// would throw away anyway. It holds only what stats_raw holds and is
// forgotten with the day; when full it starts over, which costs writes,
// never counts.
type counted struct {
	mu   sync.Mutex
	day  string
	seen map[string]struct{}
}

func (c *counted) has(day string, pseudonym []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.seen[string(pseudonym)]
	return ok && c.day == day
}

func (c *counted) add(day string, pseudonym []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.day != day || len(c.seen) >= countedLimit {
		c.day, c.seen = day, make(map[string]struct{})
	}
	c.seen[string(pseudonym)] = struct{}{}
}
