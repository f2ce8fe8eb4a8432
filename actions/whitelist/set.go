package whitelist

import (
	"net/netip"
	"slices"
)

// mappedRange is where IPv4-mapped IPv6 addresses live.
var mappedRange = netip.MustParsePrefix("::ffff:0:0/96")

// allIPv4 stands for an IPv6 prefix covering every mapped IPv4 address.
var allIPv4 = netip.MustParsePrefix("0.0.0.0/0")

// prefixSet answers "which protected prefix, first in priority order,
// overlaps p?" in O(prefix lengths + log n): a prefix containing p is found
// by looking p up at each length present, a prefix inside p by a binary
// search for the addresses within p's range.
type prefixSet struct {
	items  []Protected          // priority order
	exact  map[netip.Prefix]int // canonical prefix -> first item
	lens   [2][]int             // distinct lengths per family (0: IPv4, 1: IPv6), ascending
	starts []addrItem           // first address of each item, sorted
}

type addrItem struct {
	addr netip.Addr
	item int
}

// newPrefixSet indexes items, which must be canonical and in priority order.
func newPrefixSet(items []Protected) *prefixSet {
	s := &prefixSet{items: items, exact: make(map[netip.Prefix]int, len(items))}
	for i, it := range items {
		p := it.Prefix
		if _, dup := s.exact[p]; !dup {
			s.exact[p] = i
		}
		f := family(p.Addr())
		if !slices.Contains(s.lens[f], p.Bits()) {
			s.lens[f] = append(s.lens[f], p.Bits())
		}
		s.starts = append(s.starts, addrItem{p.Addr(), i})
	}
	slices.Sort(s.lens[0])
	slices.Sort(s.lens[1])
	slices.SortFunc(s.starts, func(a, b addrItem) int { return a.addr.Compare(b.addr) })
	return s
}

// covers reports whether an item contains all of p (canonical).
func (s *prefixSet) covers(p netip.Prefix) bool {
	for _, b := range s.lens[family(p.Addr())] {
		if b > p.Bits() {
			break
		}
		if _, ok := s.exact[netip.PrefixFrom(p.Addr(), b).Masked()]; ok {
			return true
		}
	}
	return false
}

// overlap returns the index of the first item overlapping p (canonical),
// or -1.
func (s *prefixSet) overlap(p netip.Prefix) int {
	best := -1
	keep := func(i int) {
		if best < 0 || i < best {
			best = i
		}
	}
	for _, b := range s.lens[family(p.Addr())] {
		if b > p.Bits() {
			break
		}
		if i, ok := s.exact[netip.PrefixFrom(p.Addr(), b).Masked()]; ok {
			keep(i)
		}
	}
	first, last := p.Addr(), lastAddr(p)
	i, _ := slices.BinarySearchFunc(s.starts, first, func(a addrItem, t netip.Addr) int { return a.addr.Compare(t) })
	for ; i < len(s.starts) && s.starts[i].addr.Compare(last) <= 0; i++ {
		keep(s.starts[i].item)
	}
	return best
}

func family(a netip.Addr) int {
	if a.Is4() {
		return 0
	}
	return 1
}

// lastAddr is the highest address of a canonical prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for bit := p.Bits(); bit < len(b)*8; bit++ {
		b[bit/8] |= 0x80 >> (bit % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// checkForms is what a requested prefix is checked as: its canonical form
// (IPv4-mapped IPv6 as IPv4), plus all of IPv4 for an IPv6 prefix wider
// than the mapped range that covers it.
func checkForms(p netip.Prefix) []netip.Prefix {
	c := canonical(p)
	if c.Addr().Is6() && c.Overlaps(mappedRange) && c.Bits() < 96 {
		return []netip.Prefix{c, allIPv4}
	}
	return []netip.Prefix{c}
}
