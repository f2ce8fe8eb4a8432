package rules

import (
	"slices"

	"github.com/ifw/ifw/sources"
)

// feature is a cheap property of a packet, computed once per Match, that
// lets the matcher skip a rule without reading it.
type feature uint8

const (
	featIPOpts   feature = 1 << iota // IP options logged
	featTCPOpts                      // TCP options logged
	featMF                           // more-fragments flag
	featCE                           // reserved (CE) flag
	featFragment                     // non-first fragment
	featSameIP                       // source address equals destination

	// rareFeatures are unusual in traffic: lists for packets without them
	// leave out the rules that require them.
	rareFeatures = featIPOpts | featMF | featCE | featFragment | featSameIP
)

// prefilter is what a packet must have for a rule to be worth testing:
// packet fields, features, and when quick is set a value of field q in
// [lo, hi]. It is 16 bytes, so that the matcher's scan stays in cache.
type prefilter struct {
	need   sources.Field
	feats  feature
	quick  bool
	q      field
	pass6  bool // a packet without the field (an IPv6 address) passes
	lo, hi uint32
}

// quickPass runs the quick test.
func (f *prefilter) quickPass(p *sources.Packet) bool {
	v, ok := fieldValue(p, f.q, false)
	if !ok {
		return f.pass6
	}
	return v >= f.lo && v <= f.hi
}

// packetFeatures computes the features of p.
func packetFeatures(p *sources.Packet) feature {
	var f feature
	if p.IPOptions.Len() > 0 {
		f |= featIPOpts
	}
	if p.TCPOptions.Len() > 0 {
		f |= featTCPOpts
	}
	if p.IPFlags&sources.FlagMF != 0 {
		f |= featMF
	}
	if p.IPFlags&sources.FlagCE != 0 {
		f |= featCE
	}
	if p.FragOff != 0 {
		f |= featFragment
	}
	if p.Src == p.Dst && p.Src.IsValid() {
		f |= featSameIP
	}
	return f
}

// prefilter derives the prefilter of a rule, and the numeric tests that
// neither the index nor the quick test imply; indexed are the positions in
// c.nums of the tests the index guarantees.
func (c *conds) prefilter(indexed ...int) (pf prefilter, rest []numTest) {
	pf.need = c.need
	if c.ipopts.on && !c.ipopts.neg {
		pf.feats |= featIPOpts
	}
	if c.tcpopts.on && !c.tcpopts.neg {
		pf.feats |= featTCPOpts
	}
	if req := c.frag.mask & c.frag.want; c.frag.on {
		if req&uint8(sources.FlagMF) != 0 {
			pf.feats |= featMF
		}
		if req&uint8(sources.FlagCE) != 0 {
			pf.feats |= featCE
		}
	}
	for _, t := range c.nums {
		if t.f == fFragOff && !t.set.has(0) {
			pf.feats |= featFragment
		}
	}
	if c.sameIP && !c.bidir {
		pf.feats |= featSameIP
	}
	for i, t := range c.nums {
		if !slices.Contains(indexed, i) {
			rest = append(rest, t)
		}
	}
	if c.bidir {
		return pf, rest
	}
	rest = pf.setQuick(rest)
	if !pf.quick {
		pf.setAddrQuick(c)
	}
	return pf, rest
}

// setAddrQuick makes the span from the lowest to the highest IPv4 address
// of an address test's networks the quick test for IPv4 addresses; other
// addresses pass it when the test has other networks (pass6). It is a
// necessary condition only: the address test still runs. The rules that
// test an address alone (a source that is multicast, broadcast, in
// 0.0.0.0/8) are candidates for most packets, and their full test reads
// the rule.
func (pf *prefilter) setAddrQuick(c *conds) {
	for _, t := range [...]struct {
		s *addrSet
		f field
	}{{&c.src, fSrc4}, {&c.dst, fDst4}} {
		spans := t.s.v4.pos
		if len(spans) == 0 {
			continue
		}
		pf.pass6 = len(spans) != len(t.s.pos)
		lo, hi := spans[0].lo, spans[0].hi
		for _, sp := range spans[1:] {
			lo, hi = min(lo, sp.lo), max(hi, sp.hi)
		}
		pf.quick, pf.q, pf.lo, pf.hi = true, t.f, lo, hi
		return
	}
}

// setQuick makes the first one-range test of rest the quick test, and
// returns the others.
func (pf *prefilter) setQuick(rest []numTest) []numTest {
	for i, t := range rest {
		if len(t.set.pos) == 1 && len(t.set.neg) == 0 {
			pf.quick, pf.q, pf.lo, pf.hi = true, t.f, t.set.pos[0].lo, t.set.pos[0].hi
			return slices.Delete(rest, i, i+1)
		}
	}
	return rest
}
