package rules

import (
	"cmp"
	"net/netip"
	"slices"
	"time"
)

// item is a rule of a Set with its counters, what changes work on.
type item struct {
	rule Rule
	st   *stats
}

// snapshot is the Set's rules at one moment. It is never changed once
// published: Match reads it without a lock. Only the stats it points to
// change (atomically).
type snapshot struct {
	ranked []entry // most specific first
	// hosts maps every host name a rule names to its resolved addresses
	// (nil until resolved).
	hosts map[string][]netip.Addr
}

// newSnapshot compiles items. Consumed Once rules are dropped, and host
// names no rule names any more.
func newSnapshot(items []item, hosts map[string][]netip.Addr, defaultIdle time.Duration) *snapshot {
	sn := &snapshot{ranked: make([]entry, 0, len(items)), hosts: make(map[string][]netip.Addr)}
	for _, it := range items {
		if it.rule.Lifetime == Once && it.st.consumed.Load() {
			continue
		}
		var addrs []netip.Addr
		if h := it.rule.Host; h != "" && !IsWildcard(h) {
			addrs = hosts[h]
			sn.hosts[h] = addrs
		}
		sn.ranked = append(sn.ranked, newEntry(it.rule, it.st, addrs, defaultIdle))
	}
	slices.SortFunc(sn.ranked, moreSpecific)
	return sn
}

// items lists the snapshot's rules by ID.
func (sn *snapshot) items() []item {
	out := make([]item, len(sn.ranked))
	for i := range sn.ranked {
		out[i] = item{rule: sn.ranked[i].rule, st: sn.ranked[i].st}
	}
	slices.SortFunc(out, func(a, b item) int { return compareID(a.rule, b.rule) })
	return out
}

func compareID(a, b Rule) int { return cmp.Compare(a.ID, b.ID) }

// entryByID finds a rule's entry.
func (sn *snapshot) entryByID(id uint64) (*entry, bool) {
	for i := range sn.ranked {
		if sn.ranked[i].rule.ID == id {
			return &sn.ranked[i], true
		}
	}
	return nil, false
}
