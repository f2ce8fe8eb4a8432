package signatures

import (
	"net/netip"
	"slices"
)

// prefixTable maps networks to values and finds the longest match with one
// map lookup per distinct prefix length in use.
type prefixTable[V any] struct {
	m            map[netip.Prefix]V
	lens4, lens6 []int // distinct prefix lengths, longest first
}

// canon is the form every address takes inside the engine: IPv4-mapped IPv6
// addresses unmapped, zone dropped.
func canon(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Zone() != "" {
		a = a.WithZone("")
	}
	return a
}

func canonPrefix(p netip.Prefix) netip.Prefix {
	a, bits := p.Addr(), p.Bits()
	if a.Is4In6() && bits >= 96 {
		a, bits = a.Unmap(), bits-96
	}
	return netip.PrefixFrom(canon(a), bits).Masked()
}

// put stores v for p (canonicalised) and returns the previous value.
func (t *prefixTable[V]) put(p netip.Prefix, v V) (V, bool) {
	if t.m == nil {
		t.m = make(map[netip.Prefix]V)
	}
	p = canonPrefix(p)
	old, had := t.m[p]
	t.m[p] = v
	lens := &t.lens6
	if p.Addr().Is4() {
		lens = &t.lens4
	}
	if !slices.Contains(*lens, p.Bits()) {
		*lens = append(*lens, p.Bits())
		slices.SortFunc(*lens, func(a, b int) int { return b - a })
	}
	return old, had
}

func (t *prefixTable[V]) lens(a netip.Addr) []int {
	if a.Is4() {
		return t.lens4
	}
	return t.lens6
}

// at returns the value stored for a's network of the given length.
func (t *prefixTable[V]) at(a netip.Addr, bits int) (V, bool) {
	p, _ := a.Prefix(bits)
	v, ok := t.m[p]
	return v, ok
}

// longest returns the value of the longest prefix containing a.
func (t *prefixTable[V]) longest(a netip.Addr) (V, bool) {
	for _, bits := range t.lens(a) {
		if v, ok := t.at(a, bits); ok {
			return v, true
		}
	}
	var zero V
	return zero, false
}

func (t *prefixTable[V]) empty() bool { return len(t.m) == 0 }

// prefixSet is a set of networks.
type prefixSet struct{ t prefixTable[struct{}] }

func newPrefixSet(ps []netip.Prefix) prefixSet {
	var s prefixSet
	for _, p := range ps {
		s.t.put(p, struct{}{})
	}
	return s
}

func (s *prefixSet) contains(a netip.Addr) bool {
	_, ok := s.t.longest(a)
	return ok
}

func (s *prefixSet) empty() bool { return s.t.empty() }
