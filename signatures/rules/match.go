package rules

import "github.com/ifw/ifw/sources"

// Match calls fn for every rule p matches, in rule order. It does not
// allocate and keeps no reference to p.
//
// Only candidate rules are tested: those of p's protocol indexed under its
// destination port (or ICMP type), plus the rules that cannot be indexed
// (for TCP, only those whose flags test passes); of those, rules that need
// a packet field or feature p lacks are skipped without being read.
func (s *Set) Match(p *sources.Packet, fn func(*Rule)) {
	if s == nil || len(s.rules) == 0 {
		return
	}
	feats := packetFeatures(p)
	v := variant(feats)
	ix := s.idx[p.Proto]
	keyed, gen := ix.candidates(p, v), ix.genericFor(p, v)
	for len(keyed) > 0 || len(gen) > 0 {
		var i int32
		if len(gen) == 0 || (len(keyed) > 0 && keyed[0] < gen[0]) {
			i, keyed = keyed[0], keyed[1:]
		} else {
			i, gen = gen[0], gen[1:]
		}
		pf := &s.pre[i]
		if p.Fields&pf.need != pf.need || feats&pf.feats != pf.feats {
			continue
		}
		if (!pf.quick || pf.quickPass(p)) && s.rules[i].c.match(p, s.rest[i]) {
			fn(s.rules[i])
		}
	}
}
