package signatures

import (
	"math/bits"
	"net/netip"
	"slices"
)

// Bounds the decoder checks besides the Config's (a blob may come from an
// engine with larger limits).
const (
	maxStatePairs = 1 << 20 // Config.MaxDestinations' upper bound
	maxStateSigs  = 1 << 16 // Config.MaxSignatures' upper bound
	maxStateRecs  = 64      // scan records of one pair (classes × protocols)
)

// Flag bits of a source and of a pair.
const (
	srcWide      = 1 << 0
	srcUntrusted = 1 << 1

	pairHasRange  = 1 << 0
	pairGHasRange = 1 << 1
	pairGateOpen  = 1 << 2
	pairScoring   = 1 << 3
)

// source writes s; times are relative to base (the engine's latest time).
// The auto_dl pin is not written: it follows the Config in force.
func (w *wbuf) source(s *source, base int64) {
	w.addr(s.addr)
	w.varint(base - s.first)
	w.varint(s.last - s.first)
	w.uvarint(s.packets)
	for _, l := range [...]uint8{s.level, s.floor, s.pairMax, s.sweepLevel, s.sigLevel} {
		w.u8(l)
	}
	w.u8(boolBits(s.wide, srcWide) | boolBits(s.untrusted, srcUntrusted))
	w.uvarint(uint64(s.classes))
	w.protoList(&s.protos)
	w.uvarint(uint64(s.dsts))
	w.uvarint(uint64(len(s.sweeps)))
	for i := range s.sweeps {
		w.sweepRec(&s.sweeps[i])
	}
	w.uvarint(uint64(len(s.pairs)))
	for i := range s.pairs {
		w.pair(&s.pairs[i])
	}
	w.sigHits(s.sigs)
	w.str(s.os)
	w.str(s.tool)
}

func boolBits(b bool, bit uint8) uint8 {
	if b {
		return bit
	}
	return 0
}

func (w *wbuf) sweepRec(r *sweepRec) {
	w.u8(r.proto)
	w.u8(boolBits(r.hasVal, 1))
	w.uvarint(uint64(r.min))
	w.uvarint(uint64(r.max))
	w.uvarint(uint64(r.packets))
	w.uvarint(uint64(r.hosts))
	w.portSet(&r.ports)
	if w.version >= stateVersionPorts {
		w.portCounts(&r.hot)
	}
}

// portCounts writes n with the lossy flag (bit 7), then n ports and counts.
func (w *wbuf) portCounts(c *portCounts) {
	w.u8(c.n | boolBits(c.lossy, 1<<7))
	for i := range int(c.n) {
		w.uvarint(uint64(c.port[i]))
		w.uvarint(uint64(c.count[i]))
	}
}

func (w *wbuf) pair(pr *pair) {
	w.addr(pr.dst)
	w.uvarint(uint64(pr.packets))
	w.uvarint(uint64(pr.scored))
	w.uvarint(uint64(pr.gated))
	for _, v := range [...]uint16{pr.min, pr.max, pr.gMin, pr.gMax} {
		w.uvarint(uint64(v))
	}
	w.u8(boolBits(pr.hasRange, pairHasRange) | boolBits(pr.gHasRange, pairGHasRange) |
		boolBits(pr.gateOpen, pairGateOpen) | boolBits(pr.scoring, pairScoring))
	w.u8(pr.level)
	w.u8(pr.sweepMask)
	w.protoList(&pr.protos)
	w.uvarint(uint64(len(pr.recs)))
	for i := range pr.recs {
		r := &pr.recs[i]
		w.u8(uint8(r.class))
		w.u8(r.proto)
		w.uvarint(uint64(r.min))
		w.uvarint(uint64(r.max))
		w.uvarint(uint64(r.packets))
		w.portSet(&r.ports)
	}
}

// source reads a source into s (zero) under the limits of c: destinations
// beyond c.MaxDestinations and signature hits beyond c.MaxSignatures are
// dropped (the first kept), their bitmaps given back to bp.
func (r *rbuf) source(s *source, base int64, c *Config, bp *bitmapPool) {
	s.addr = r.addr()
	s.bitmaps = true // its port sets may hold some: reset walks them
	s.first = base - r.varint()
	s.last = s.first + r.varint()
	s.packets = r.uvarint()
	s.level, s.floor, s.pairMax, s.sweepLevel, s.sigLevel = r.level(), r.level(), r.level(), r.level(), r.level()
	flags := r.bounded("source flags", srcWide|srcUntrusted)
	s.wide, s.untrusted = flags&srcWide != 0, flags&srcUntrusted != 0
	s.classes = uint32(r.bounded("scan classes", 1<<numClasses-1))
	s.protos, s.nprotos = r.protoList()
	dsts := r.count("destinations", maxStatePairs)
	s.sweeps = r.swSlab.take(r.count("sweep records", maxSweepRecs))
	for i := range s.sweeps {
		r.sweepRec(&s.sweeps[i], bp)
	}
	r.pairs(s, c.MaxDestinations, bp)
	if r.err == nil && dsts != scoringCount(s) {
		r.fail("%d destinations, %d scoring pairs", dsts, scoringCount(s))
	}
	s.dsts = dsts
	s.sigs = r.sigHits(c.MaxSignatures)
	s.os, s.tool = r.str(), r.str()
	if r.err == nil && len(s.pairs) > c.MaxDestinations {
		for i := c.MaxDestinations; i < len(s.pairs); i++ {
			s.pairs[i].release(bp)
		}
		s.pairs = s.pairs[:c.MaxDestinations:c.MaxDestinations]
		s.index = nil
		for i := range s.pairs {
			s.indexPair(i)
		}
	}
}

// scoringCount is the number of scoring pairs of s.
func scoringCount(s *source) int {
	n := 0
	for i := range s.pairs {
		if s.pairs[i].scoring {
			n++
		}
	}
	return n
}

func (r *rbuf) sweepRec(sr *sweepRec, bp *bitmapPool) {
	sr.proto = r.u8()
	sr.hasVal = r.flag()
	sr.min, sr.max = r.u16(), r.u16()
	sr.packets, sr.hosts = r.u32(), r.u32()
	r.portSet(&sr.ports, bp)
	if r.version >= stateVersionPorts {
		r.portCounts(&sr.hot)
	}
}

// portCounts reads what wbuf.portCounts writes: distinct ports, counts
// of at least 1.
func (r *rbuf) portCounts(c *portCounts) {
	head := r.u8()
	n := int(head &^ (1 << 7))
	if n > hotPorts {
		r.fail("%d port counts", n)
		return
	}
	c.n, c.lossy = uint8(n), head&(1<<7) != 0
	for i := range n {
		c.port[i], c.count[i] = r.u16(), r.u32()
		if r.err == nil && (c.count[i] == 0 || slices.Contains(c.port[:i], c.port[i])) {
			r.fail("port count %d of port %d", c.count[i], c.port[i])
		}
	}
}

// pairs reads the pairs of s, building the index as it goes and refusing
// a destination listed twice.
func (r *rbuf) pairs(s *source, maxDst int, bp *bitmapPool) {
	n := r.count("pairs", maxStatePairs)
	s.pairs = r.pairSlab.take(min(n, maxDst))[:0]
	for range n {
		var pr pair
		r.pair(&pr, len(s.sweeps), bp)
		if r.err == nil && s.hasPair(pr.dst) {
			r.fail("destination %v listed twice", pr.dst)
		}
		if r.err != nil {
			pr.release(bp)
			return
		}
		s.pairs = append(s.pairs, pr)
		s.indexPair(len(s.pairs) - 1)
	}
}

// hasPair reports whether s has a pair for dst.
func (s *source) hasPair(dst netip.Addr) bool {
	if s.index != nil {
		_, ok := s.index[dst]
		return ok
	}
	for i := range s.pairs {
		if s.pairs[i].dst == dst {
			return true
		}
	}
	return false
}

func (r *rbuf) pair(pr *pair, sweeps int, bp *bitmapPool) {
	pr.dst = r.addr()
	pr.packets, pr.scored, pr.gated = r.u32(), r.u32(), r.u32()
	pr.min, pr.max, pr.gMin, pr.gMax = r.u16(), r.u16(), r.u16(), r.u16()
	flags := r.bounded("pair flags", pairHasRange|pairGHasRange|pairGateOpen|pairScoring)
	pr.hasRange, pr.gHasRange = flags&pairHasRange != 0, flags&pairGHasRange != 0
	pr.gateOpen, pr.scoring = flags&pairGateOpen != 0, flags&pairScoring != 0
	pr.level = r.level()
	pr.sweepMask = r.u8()
	if pr.sweepMask>>sweeps != 0 {
		r.fail("sweep mask %#x for %d sweep records", pr.sweepMask, sweeps)
	}
	pr.protos, pr.nprotos = r.protoList()
	pr.uncommon = hasUncommon(&pr.protos)
	pr.recs = r.recSlab.take(r.count("scan records", maxStateRecs))
	for i := range pr.recs {
		rec := &pr.recs[i]
		rec.class = class(r.bounded("scan class", uint64(classProto-1)))
		rec.proto = r.u8()
		rec.min, rec.max = r.u16(), r.u16()
		rec.packets = r.u32()
		r.portSet(&rec.ports, bp)
	}
}

// hasUncommon reports whether ps has a protocol other than TCP, UDP,
// UDPLITE, ICMP and ICMPv6.
func hasUncommon(ps *protoSet) bool {
	for i, word := range ps {
		for ; word != 0; word &= word - 1 {
			if !commonProto(uint8(i*64 + bits.TrailingZeros64(word))) {
				return true
			}
		}
	}
	return false
}
