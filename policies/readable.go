package policies

import (
	"slices"
	"sync"
)

// readableCache memoises, for one rule set, the spaces each account may
// read and what it may do in the spaces it has asked about. Reload starts
// a new one, so an answer never outlives the rules it was derived from.
// Entries are made on a person's first request after a change rather than
// for every account at reload: a change then costs nothing for the many
// people who are not active, and memory stays bounded by the people who
// asked times the spaces they may read (at most 16 MB for 10,000 people
// who may each read 200 spaces) plus maxGrants answers of Can.
type readableCache struct {
	mu        sync.RWMutex
	byAccount map[int64][]int64 // sorted, never changed once stored
	grants    map[grantKey]actions
}

func newReadableCache() *readableCache {
	return &readableCache{byAccount: map[int64][]int64{}, grants: map[grantKey]actions{}}
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
	ids, failed := make([]int64, 0, 8), false
	for id := range spaces {
		allowed, err := ce.enforce(sub.AccountID, spaceKey(id), Read)
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

// maxGrants bounds the memoised answers of Can per rule set (some 40 MB);
// past it Can asks Casbin, as it did before there was a memo.
const maxGrants = 1 << 20

type grantKey struct{ account, space int64 }

// actions is a set of Actions, one bit each.
type actions uint8

var actionBits = map[Action]actions{Read: 1, Write: 2, Moderate: 4, Manage: 8}

func (rc *readableCache) grant(k grantKey) (actions, bool) {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	a, ok := rc.grants[k]
	return a, ok
}

func (rc *readableCache) putGrant(k grantKey, a actions) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.grants) < maxGrants {
		rc.grants[k] = a
	}
}

// allowed answers whether account may do act in the space under the rule
// set of rc and ce. A page view asks for every action in the space it
// shows; they are derived together on the first question after a change
// and kept until the next.
func (e *Enforcer) allowed(rc *readableCache, ce ruleSet, account, spaceID int64, act Action) bool {
	if act == Read {
		if ids, ok := rc.get(account); ok {
			_, found := slices.BinarySearch(ids, spaceID)
			return found
		}
	}
	k := grantKey{account, spaceID}
	if a, ok := rc.grant(k); ok {
		return a&actionBits[act] != 0
	}
	var a actions
	failed := false
	space := spaceKey(spaceID)
	for _, each := range []Action{Read, Write, Moderate, Manage} {
		ok, err := ce.enforce(account, space, each)
		if err != nil {
			e.log.Error("policy check failed", "err", err)
			failed = true
		}
		if ok {
			a |= actionBits[each]
		}
	}
	if !failed { // a failed check is asked again on the next request
		rc.putGrant(k, a)
	}
	return a&actionBits[act] != 0
}
