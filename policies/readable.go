package policies

import (
	"slices"
	"sync"
)

// readableCache memoises, for one rule set, the spaces each account may
// read. Reload starts a new one, so an answer never outlives the rules it
// was derived from. Entries are made on a person's first request after a
// change rather than for every account at reload: a change then costs
// nothing for the many people who are not active, and memory stays bounded
// by the people who asked times the spaces they may read (at most 16 MB
// for 10,000 people who may each read 200 spaces).
type readableCache struct {
	mu        sync.RWMutex
	byAccount map[int64][]int64 // sorted, never changed once stored
}

func newReadableCache() *readableCache {
	return &readableCache{byAccount: map[int64][]int64{}}
}

func (rc *readableCache) get(account int64) ([]int64, bool) {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	ids, ok := rc.byAccount[account]
	return ids, ok
}

func (rc *readableCache) put(account int64, ids []int64) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.byAccount[account] = ids
}

// readable answers from the cache of the rule set in force, deriving the
// account's set on a miss. Two requests that miss at once both derive it;
// the answers are equal, and the cost is one person's, once per change.
func (e *Enforcer) readable(sub Subject) []int64 {
	e.mu.RLock()
	rc, ce, spaces := e.readableSpaces, e.casbin, e.spaces
	e.mu.RUnlock()
	if ids, ok := rc.get(sub.AccountID); ok {
		return ids
	}
	user := userKey(sub.AccountID)
	ids, failed := make([]int64, 0, 8), false
	for id := range spaces {
		allowed, err := ce.Enforce(user, spaceKey(id), string(Read))
		if err != nil {
			e.log.Error("policy check failed", "err", err)
			failed = true
		}
		if allowed {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if !failed { // a failed check is asked again on the next request
		rc.put(sub.AccountID, ids)
	}
	return ids
}

// cachedRead answers whether the account may read the space when its
// readable set has been derived for the rules in force.
func (e *Enforcer) cachedRead(account, spaceID int64) (allowed, known bool) {
	e.mu.RLock()
	rc := e.readableSpaces
	e.mu.RUnlock()
	ids, ok := rc.get(account)
	if !ok {
		return false, false
	}
	_, found := slices.BinarySearch(ids, spaceID)
	return found, true
}
