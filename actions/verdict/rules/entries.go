package rules

import (
	"net/netip"
	"slices"
	"time"
)

// Entry is a rule of a Set with what the Set knows about its use.
type Entry struct {
	Rule
	Hits     uint64    // matches since the rule was added (or first loaded)
	LastUsed time.Time // the last match (Match's now); zero: never
	// Addrs are the addresses of Rule.Host at the last successful look-up;
	// nil when there is no host or it never resolved.
	Addrs []netip.Addr
}

// Entries returns every rule with its counters, by ID.
func (s *Set) Entries() []Entry {
	sn := s.snap.Load()
	out := make([]Entry, len(sn.ranked))
	for i := range sn.ranked {
		e := &sn.ranked[i]
		out[i] = Entry{Rule: e.rule, Hits: e.st.hits.Load(), Addrs: slices.Clone(e.addrs)}
		if t := e.st.lastUsed.Load(); t != 0 {
			out[i].LastUsed = time.Unix(0, t).UTC()
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return compareID(a.Rule, b.Rule) })
	return out
}
