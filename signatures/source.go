package signatures

import (
	"net/netip"

	"github.com/ifw/ifw/signatures/rules"
)

const (
	pairIndexAt   = 8  // pairs searched linearly up to this many, then by map
	keepPairsCap  = 16 // a recycled source keeps a pairs array up to this size
	keepSigHitCap = 16
)

// source is the state of one attacker. It is plain data (no closures), so
// it can be serialised; prev/next are the LRU links.
type source struct {
	addr        netip.Addr
	first, last int64 // Unix nanoseconds
	packets     uint64

	level      uint8 // reported level: never decreases
	pinned     uint8 // auto_dl level without protocol (0: none)
	floor      uint8 // highest auto_dl level with protocol that matched
	pairMax    uint8 // highest pair level
	sweepLevel uint8
	sigLevel   uint8
	wide       bool   // MinProtocols or MinDestinations reached
	classes    uint32 // scan classes reported so far

	nprotos uint16
	protos  protoSet
	dsts    int // scoring destinations

	pairs  []pair
	index  map[netip.Addr]int32 // pairs by destination, once there are many
	sweeps []sweepRec
	sigs   []SigHit
	os     string
	tool   string

	untrusted bool // a counted packet came over a transport others can write
	bitmaps   bool // a port set of it got a bitmap from the pool

	prev, next *source
	seq        uint64 // lru.tick at its latest move to the head
}

// reset empties s for a new life as addr, releasing its bitmaps and keeping
// small backing arrays for reuse. A source that got no bitmap (most: one
// or two packets of noise) skips the walk over its records, whose memory
// is cold by then: a reused record is emptied when it is taken (pair.rec,
// sweepRec, pair.reset).
func (s *source) reset(addr netip.Addr, t int64, bp *bitmapPool) {
	if s.bitmaps {
		for i := range s.pairs {
			s.pairs[i].release(bp)
		}
		for i := range s.sweeps {
			s.sweeps[i].ports.release(bp)
		}
	}
	pairs, sweeps, sigs := s.pairs[:0], s.sweeps[:0], s.sigs[:0]
	if cap(pairs) > keepPairsCap {
		pairs = nil
	}
	if cap(sigs) > keepSigHitCap {
		sigs = nil
	}
	prev, next, seq := s.prev, s.next, s.seq
	*s = source{addr: addr, first: t, last: t, pairs: pairs, sweeps: sweeps, sigs: sigs}
	s.prev, s.next, s.seq = prev, next, seq
}

// pair returns the pair for dst, adding it unless the source tracks
// maxDst destinations already (then nil).
func (s *source) pair(dst netip.Addr, maxDst int) *pair {
	if s.index != nil {
		if i, ok := s.index[dst]; ok {
			return &s.pairs[i]
		}
	} else {
		for i := range s.pairs {
			if s.pairs[i].dst == dst {
				return &s.pairs[i]
			}
		}
	}
	n := len(s.pairs)
	if n >= maxDst {
		return nil
	}
	if n < cap(s.pairs) {
		s.pairs = s.pairs[:n+1]
		s.pairs[n].reset(dst)
	} else {
		s.pairs = append(s.pairs, pair{dst: dst})
	}
	s.indexPair(n)
	return &s.pairs[n]
}

func (s *source) indexPair(n int) {
	switch {
	case s.index != nil:
		s.index[s.pairs[n].dst] = int32(n)
	case n+1 > pairIndexAt:
		s.index = make(map[netip.Addr]int32, 2*(n+1))
		for i := range s.pairs {
			s.index[s.pairs[i].dst] = int32(i)
		}
	}
}

// addSig records a hit of rule r and reports whether the rule started to
// score with it: at the rule's Count-th packet from this source (the first
// when Count is unset).
func (s *source) addSig(r *rules.Rule, limit int) bool {
	lvl, need := clampLevel(r.Level), max(r.Count, 1)
	for i := range s.sigs {
		if h := &s.sigs[i]; h.ID == r.ID {
			h.Packets++
			if h.Packets != need {
				return false
			}
			s.sigLevel = maxU8(s.sigLevel, lvl)
			return true
		}
	}
	if need == 1 {
		s.sigLevel = maxU8(s.sigLevel, lvl)
	}
	if len(s.sigs) >= limit {
		return false
	}
	s.sigs = append(s.sigs, SigHit{ID: r.ID, Name: r.Name, Level: int(lvl), Packets: 1})
	return need == 1
}

// effective is the level the source's state amounts to now.
func (s *source) effective() uint8 {
	lvl := maxU8(maxU8(s.pairMax, s.sweepLevel), s.sigLevel)
	if s.pinned > 0 {
		lvl = s.pinned
	}
	return maxU8(lvl, s.floor)
}
