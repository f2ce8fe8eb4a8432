package signatures

import (
	"encoding/binary"
	"math"
	"net/netip"
)

// Most sources of a real log are one packet of Internet noise. With
// Config.CompactNoise, a source whose first packet leaves it at level 0
// (no signature that scored, no auto_dl level, no port bitmap) is not
// given a source state: its packet is kept in a 64-byte noise record, in a
// ring of the records in the order they were made, indexed by address. A
// second packet promotes the record to a source
// state by replaying the first (what it did to a fresh state depends only
// on what the record keeps), then counts as usual. Expiry walks the ring
// and the LRU together, oldest first (by lru.tick), as it walked the LRU
// alone: every report is the same with or without it.

// noiseRec bits.
const (
	nrSrc4 = 1 << iota
	nrDst4
	nrHasVal
	nrInRange
	nrUntrusted
	nrDead // promoted or ended
)

// noiseRec is a one-packet source: its address and its packet, as much as
// replaying it takes. It holds no pointer (the collector skips the ring).
type noiseRec struct {
	src, dst [16]byte
	t        int64
	seq      uint64 // lru.tick when it was made
	val      uint16
	proto    uint8
	cls      class
	bits     uint8
	os, tool uint8 // indexes in Engine.names
	nsigs    uint8
	sigs     [maxNoiseSigs]uint32 // IDs of the rules its packet matched, in order
}

// maxNoiseSigs bounds the signature hits of a noise record: a probe of a
// service many rules name (counted from their second packet) is noise too.
const maxNoiseSigs = 2

// noiseSlot indexes a record: tag is 0 for a free slot, else the low 31
// bits of its address's hash with the top bit set; pos is the low 32 bits
// of its ring position (unique among the live ones: the ring is shorter).
type noiseSlot struct{ tag, pos uint32 }

// noiseTable holds the noise records in a ring, in the order they were
// made (appended and expired in sequence: the memory is streamed), and an
// open-addressing index by address of 8-byte slots, with a byte a slot
// beside it (fp: 0 for a free slot, else the top byte of its tag): a new
// source's search reads the bytes, 1/8 of the index's size, in cache where
// the slots would miss it, and the slot only where the byte matches.
//
// A record that expires (or is evicted) is the ring's oldest: it ends by
// moving the ring's head past it, and its slot, now naming a position
// before the head, is stale: searches pass over it, and a sweep, run when
// the live and stale slots fill half the index, drops them in one
// sequential pass. So the index line of an expiring
// record is never read (a cache miss for every new source otherwise). A
// record that ends out of order (promoted, settled) leaves the index at
// once.
type noiseTable struct {
	index      []noiseSlot // linear probing; len a power of 2 (< 2^31), at most half used
	fp         []uint8     // by slot: 0 free, else fingerprint(its tag)
	n          int         // live records
	used       int         // slots in use, live or stale
	ring       []noiseRec  // len a power of 2 (< 2^31); [head, tail) in use
	head, tail uint64      // absolute positions
	swept      uint64      // tail at the latest sweep
}

// sweepEvery bounds the positions between sweeps, so that a stale slot's
// 32-bit position never wraps around to look live again (the ring is far
// shorter than 2^30 records: that is 64 GiB).
const sweepEvery = 1 << 30

func noiseTag(k *[16]byte) uint32 {
	h := binary.LittleEndian.Uint64(k[:8])*0x9e3779b97f4a7c15 ^ binary.LittleEndian.Uint64(k[8:])*0xc2b2ae3d27d4eb4f
	return uint32(h^h>>29) | 1<<31
}

// fingerprint is the byte fp holds for a slot of tag: its top bits, set
// (tags have their top bit set), apart from the bits that place it while
// the index has under 2^24 slots (a larger one filters less).
func fingerprint(tag uint32) uint8 { return uint8(tag >> 24) }

// set puts sl in slot i.
func (nt *noiseTable) set(i int, sl noiseSlot) {
	nt.index[i] = sl
	nt.fp[i] = fingerprint(sl.tag)
}

// live reports whether sl names a position in [head, tail): a live
// record (the others end before their position leaves that span); a used
// slot that is not live is stale.
func (nt *noiseTable) live(sl noiseSlot) bool {
	return sl.pos-uint32(nt.head) < uint32(nt.tail-nt.head)
}

// at is the record of index slot i.
func (nt *noiseTable) at(i int) *noiseRec {
	return &nt.ring[uint64(nt.index[i].pos)&uint64(len(nt.ring)-1)]
}

// find returns the index slot of k's record, or -1.
func (nt *noiseTable) find(k *[16]byte) int {
	if nt.n == 0 {
		return -1
	}
	tag, mask := noiseTag(k), len(nt.index)-1
	fp := fingerprint(tag)
	for i := int(tag) & mask; ; i = (i + 1) & mask {
		switch nt.fp[i] {
		case 0:
			return -1
		case fp:
			if sl := nt.index[i]; sl.tag == tag && nt.live(sl) && nt.at(i).src == *k {
				return i
			}
		}
	}
}

// slotOf returns the index slot of the live record r (in the ring).
func (nt *noiseTable) slotOf(r *noiseRec, pos uint64) int {
	tag, mask := noiseTag(&r.src), len(nt.index)-1
	for i := int(tag) & mask; ; i = (i + 1) & mask {
		if nt.index[i] == (noiseSlot{tag, uint32(pos)}) {
			return i
		}
	}
}

// add appends r (its address absent) to the ring and indexes it.
func (nt *noiseTable) add(r *noiseRec) {
	if 2*(nt.used+1) > len(nt.index) || nt.tail-nt.swept >= sweepEvery {
		nt.makeRoom()
	}
	nt.put(noiseSlot{noiseTag(&r.src), uint32(nt.push(r))})
	nt.n++
}

// put indexes sl (a live record's, its address absent) in the first free
// slot from its home (found by fp alone: the slots are only written).
func (nt *noiseTable) put(sl noiseSlot) {
	mask := len(nt.index) - 1
	i := int(sl.tag) & mask
	for nt.fp[i] != 0 {
		i = (i + 1) & mask
	}
	nt.set(i, sl)
	nt.used++
}

// makeRoom drops the stale slots, and doubles the index when the live
// ones would still fill over 3/8 of it.
func (nt *noiseTable) makeRoom() {
	nt.swept = nt.tail
	if 8*(nt.n+1) <= 3*len(nt.index) {
		nt.sweep()
		return
	}
	old, size := nt.index, max(2*len(nt.index), 1024)
	nt.index, nt.fp, nt.used = make([]noiseSlot, size), make([]uint8, size), 0
	for _, sl := range old {
		if sl.tag != 0 && nt.live(sl) {
			nt.put(sl)
		}
	}
}

// sweep drops the stale slots in place, in one pass over the index.
func (nt *noiseTable) sweep() {
	for i := 0; i < len(nt.index); {
		if nt.fp[i] != 0 && !nt.live(nt.index[i]) {
			nt.unlink(i) // what moved into i is checked next
			continue
		}
		i++
	}
}

// remove ends the record of index slot i: dead in the ring, out of the
// index.
func (nt *noiseTable) remove(i int) {
	nt.at(i).bits |= nrDead
	nt.unlink(i)
	nt.n--
}

// unlink empties slot i (backward-shift deletion: no tombstones).
func (nt *noiseTable) unlink(i int) {
	mask := len(nt.index) - 1
	for j := (i + 1) & mask; nt.fp[j] != 0; j = (j + 1) & mask {
		home := int(nt.index[j].tag) & mask
		// Move j back to i unless its home lies in (i, j] cyclically.
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			nt.set(i, nt.index[j])
			i = j
		}
	}
	nt.set(i, noiseSlot{})
	nt.used--
}

// dropOldest ends the ring's oldest record, live (oldest): its slot goes
// stale.
func (nt *noiseTable) dropOldest() {
	nt.ring[nt.head&uint64(len(nt.ring)-1)].bits |= nrDead
	nt.head++
	nt.n--
}

// push appends r to the ring and returns its position.
func (nt *noiseTable) push(r *noiseRec) uint64 {
	if nt.tail-nt.head == uint64(len(nt.ring)) {
		old, oldMask := nt.ring, uint64(len(nt.ring)-1)
		nt.ring = make([]noiseRec, max(2*len(old), 1024))
		mask := uint64(len(nt.ring) - 1)
		for p := nt.head; p < nt.tail; p++ {
			nt.ring[p&mask] = old[p&oldMask]
		}
	}
	p := nt.tail
	nt.ring[p&uint64(len(nt.ring)-1)] = *r
	nt.tail++
	return p
}

// oldest is the ring's oldest live record (dead ones before it dropped),
// or nil.
func (nt *noiseTable) oldest() *noiseRec {
	for nt.head < nt.tail {
		r := &nt.ring[nt.head&uint64(len(nt.ring)-1)]
		if r.bits&nrDead == 0 {
			return r
		}
		nt.head++
	}
	return nil
}

// noiseOn reports whether new sources may start as noise records.
func (e *Engine) noiseOn() bool { return e.cfg.CompactNoise && !e.cfg.RetainLevelZero }

// sources is how many sources the engine tracks (states and records).
func (e *Engine) sources() int { return len(e.srcs) + e.noise.n }

// overRec is over for a noise record.
func (e *Engine) overRec(en *noiseRec, t int64, own bool) bool {
	c := &e.trusted
	if en.bits&nrUntrusted != 0 {
		c = &e.clock
	}
	timeout := int64(e.cfg.ScanTimeout)
	return t-en.t > timeout && (own || (c.set && c.now-en.t > timeout))
}

// endOldestNoise ends the ring's oldest live record r (expired or
// evicted: a level-0 source leaves nothing behind).
func (e *Engine) endOldestNoise(*noiseRec) {
	e.noise.dropOldest()
}

// oldestIsNoise reports whether the least recently seen source is a noise
// record (en, the ring's oldest live record, may be nil).
func (e *Engine) oldestIsNoise(en *noiseRec) bool {
	return en != nil && (e.lru.tail == nil || en.seq < e.lru.tail.seq)
}

// evictOldest makes room for a new source: the least recently seen one,
// record or state, ends (a state goes to the free list).
func (e *Engine) evictOldest() {
	e.evicted++
	if en := e.noise.oldest(); e.oldestIsNoise(en) {
		e.endOldestNoise(en)
		return
	}
	s := e.lru.tail
	e.retire(s)
	e.drop(s)
	s.reset(netip.Addr{}, 0, &e.bitmaps)
	e.free = append(e.free, s)
}

// take returns an empty source state (not linked anywhere).
func (e *Engine) take() *source {
	if n := len(e.free); n > 0 {
		s := e.free[n-1]
		e.free = e.free[:n-1]
		return s
	}
	return new(source)
}

// nameIndex is the index of a fingerprint name in e.names.
func (e *Engine) nameIndex(name string) (uint8, bool) {
	return nameIndex(e.names, name)
}

// nameIndex is the index of name in names.
func nameIndex(names []string, name string) (uint8, bool) {
	for i, n := range names {
		if n == name {
			return uint8(i), true
		}
	}
	return 0, false
}

// fingerprintNames are the names guessTool and guessOS return.
func fingerprintNames() []string {
	names := []string{"", ToolMirai, ToolMasscan, ToolZmap, ToolNmap, osSolarisOrDevice}
	for _, s := range osTable {
		names = append(names, s.name)
	}
	return names
}

// keepAsNoise stores the fresh source e.scratch (its first packet made
// it; sigCalls: Engine.sigCalls before it) as a noise record when replaying can make
// it again, and reports whether it did.
func (e *Engine) keepAsNoise(s *source, o *obs, dst netip.Addr, sigCalls uint64, floor uint8) bool {
	if s.level != 0 || floor != 0 || s.bitmaps || len(s.pairs) != 1 || !dst.IsValid() || !s.addr.IsValid() ||
		e.sigCalls-sigCalls != uint64(len(s.sigs)) || len(s.sigs) > maxNoiseSigs {
		return false
	}
	var sigs [maxNoiseSigs]uint32
	for i := range s.sigs {
		h := &s.sigs[i]
		if h.Packets != 1 || h.ID < 0 || h.ID > math.MaxUint32 {
			return false
		}
		sigs[i] = uint32(h.ID)
	}
	osi, ok1 := e.nameIndex(s.os)
	tooli, ok2 := e.nameIndex(s.tool)
	if !ok1 || !ok2 {
		return false
	}
	e.lru.tick++
	r := noiseRec{src: s.addr.As16(), dst: dst.As16(), t: s.last, seq: e.lru.tick, val: o.val, proto: o.proto, cls: o.cls, os: osi, tool: tooli,
		nsigs: uint8(len(s.sigs)), sigs: sigs}
	r.bits = bitIf(s.addr.Is4(), nrSrc4) | bitIf(dst.Is4(), nrDst4) | bitIf(o.hasVal, nrHasVal) |
		bitIf(o.inRange, nrInRange) | bitIf(s.untrusted, nrUntrusted)
	e.noise.add(&r)
	return true
}

func bitIf(b bool, bit uint8) uint8 {
	if b {
		return bit
	}
	return 0
}

func recAddr(b *[16]byte, is4 bool) netip.Addr {
	if is4 {
		return netip.AddrFrom4([4]byte(b[12:]))
	}
	return netip.AddrFrom16(*b)
}

// promote turns the record in slot i into a source state, replaying its
// packet, and returns it (not linked: the caller places it).
func (e *Engine) promote(i int) *source {
	r := *e.noise.at(i)
	e.noise.remove(i)
	s := e.take()
	src := recAddr(&r.src, r.bits&nrSrc4 != 0)
	e.begin(s, src, r.t)
	o := obs{proto: r.proto, cls: r.cls, val: r.val, hasVal: r.bits&nrHasVal != 0, inRange: r.bits&nrInRange != 0}
	handed := e.bitmaps.handed
	_, visible := e.countObs(s, &o, recAddr(&r.dst, r.bits&nrDst4 != 0), r.t, 0)
	for _, id := range r.sigs[:r.nsigs] {
		s.addSig(e.sigs.ByID(int(id)), e.cfg.MaxSignatures)
	}
	s.os, s.tool = e.names[r.os], e.names[r.tool]
	e.finish(s, visible, handed)
	s.untrusted = r.bits&nrUntrusted != 0
	e.srcs[r.src] = s
	return s
}

// promoteAll turns every noise record into a source state, each in its
// place in the LRU (for the code that walks the LRU alone).
func (e *Engine) promoteAll() {
	at := e.lru.tail // the oldest state newer than the record at hand
	for p := e.noise.head; p < e.noise.tail; p++ {
		r := &e.noise.ring[p&uint64(len(e.noise.ring)-1)]
		if r.bits&nrDead != 0 {
			continue
		}
		for at != nil && at.seq < r.seq {
			at = at.prev
		}
		seq := r.seq
		s := e.promote(e.noise.slotOf(r, p))
		s.seq = seq
		e.lru.insertOlder(at, s)
	}
	e.noise.head = e.noise.tail
}
