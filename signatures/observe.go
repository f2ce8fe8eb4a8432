package signatures

import (
	"net/netip"

	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
)

// set computes what p contributes to its pair and sweep records.
func (o *obs) set(p *sources.Packet) {
	cls, val, hasVal := packetClass(p)
	o.proto, o.cls, o.val, o.hasVal = p.Proto, cls, val, hasVal
	o.inRange = hasVal && rangeProto(p.Proto)
}

// update counts the packet prepared as pp (at t) in s and returns the
// reasons for a detection besides a level change.
func (e *Engine) update(s *source, pp *Prepared, t int64) Reason {
	handed := e.bitmaps.handed
	reasons, visible := e.countObs(s, &pp.o, pp.dst, t, pp.v.floor)
	if e.hasSigs && e.matchSigs(s, pp) {
		reasons |= ReasonSignature
	}
	e.fingerprint(s, pp)
	return reasons | e.finish(s, visible, handed)
}

// countObs is the part of update that depends on the packet only through
// o (a noise record replays it): it returns the reasons so far and the
// scan classes made visible.
func (e *Engine) countObs(s *source, o *obs, dst netip.Addr, t int64, floor uint8) (Reason, uint32) {
	var reasons Reason
	s.packets++
	s.first, s.last = min(s.first, t), max(s.last, t)
	s.floor = maxU8(s.floor, floor)
	if s.protos.add(o.proto) {
		s.nprotos++
	}
	pr := s.pair(dst, e.cfg.MaxDestinations)
	var visible uint32
	scored := !o.cls.gated()
	if pr == nil {
		e.untracked++
	} else {
		var became bool
		visible, became, scored = pr.observe(o, &e.cfg, &e.bitmaps)
		if became {
			s.dsts++
			reasons |= ReasonDestination
		}
		if o.cls == classBadICMP {
			pr.level = maxU8(pr.level, uint8(e.cfg.InvalidICMPLevel))
		}
	}
	if scored {
		s.sweep(pr, o, &e.bitmaps)
	}
	visible |= e.rescore(s, pr)
	return reasons, visible
}

// finish ends update: the scan classes, the level, whether s holds a
// bitmap (handed: the pool's count before the packet).
func (e *Engine) finish(s *source, visible uint32, handed uint64) Reason {
	var reasons Reason
	if visible&^s.classes != 0 {
		s.classes |= visible
		reasons |= ReasonScan
	}
	s.level = maxU8(s.level, s.effective())
	s.bitmaps = s.bitmaps || e.bitmaps.handed != handed
	return reasons
}

// rescore updates the pair and sweep levels of s after a packet to pr (nil:
// untracked destination) and returns the sweep class when it is visible.
func (e *Engine) rescore(s *source, pr *pair) (visible uint32) {
	c := &e.cfg
	if !s.wide && (int(s.nprotos) >= c.MinProtocols || s.dsts >= c.MinDestinations) {
		s.wide = true
		for i := range s.pairs {
			s.pairMax = maxU8(s.pairMax, s.pairs[i].rescore(c, true))
		}
	} else if pr != nil {
		s.pairMax = maxU8(s.pairMax, pr.rescore(c, s.wide))
	}
	s.sweepLevel = maxU8(s.sweepLevel, levelFor(s.dsts, &c.SweepLevels))
	if s.sweepLevel > 0 {
		visible = 1 << classSweep
	}
	return visible
}

// matchSigs runs the signatures on pp's packet (or replays the matches
// prepared) and reports whether s got a new one.
func (e *Engine) matchSigs(s *source, pp *Prepared) bool {
	e.cur, e.newSig = s, false
	if pp.nsigs < 0 {
		e.sigs.Match(pp.p, e.onSig)
	} else {
		for _, r := range pp.sigs[:pp.nsigs] {
			e.signature(r)
		}
	}
	e.cur = nil
	return e.newSig
}

// signature is the Match callback, bound once in New.
func (e *Engine) signature(r *rules.Rule) {
	if r != nil {
		e.sigCalls++
	}
	if r != nil && e.cur != nil && e.cur.addSig(r, e.cfg.MaxSignatures) {
		e.newSig = true
	}
}

// fingerprint guesses the tool and the OS behind a SYN, once per source. A
// crafted packet says nothing of its sender's OS.
func (e *Engine) fingerprint(s *source, pp *Prepared) {
	if pp.o.cls != classSYN || pp.o.proto != sources.ProtoTCP {
		return
	}
	if pp.fp { // guessed when prepared
		if s.tool == "" {
			s.tool = e.names[pp.tool]
		}
		if s.os == "" && s.tool == "" {
			s.os = e.names[pp.os]
		}
		return
	}
	if s.tool == "" {
		s.tool = guessTool(pp.p, pp.dst)
	}
	if s.os == "" && s.tool == "" {
		s.os = guessOS(pp.p)
	}
}
