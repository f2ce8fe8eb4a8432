package signatures

import (
	"math/bits"
	"net/netip"
)

// obs is what one packet contributes, computed once per Observe.
type obs struct {
	proto   uint8
	cls     class
	val     uint16 // destination port, ICMP type: what cls's record counts
	hasVal  bool
	inRange bool // val is a TCP/UDP/UDPLITE port for the pair's range
}

// protoSet is a set of IP protocol numbers.
type protoSet [4]uint64

// add records proto and reports whether it was new.
func (s *protoSet) add(proto uint8) bool {
	w, m := proto>>6, uint64(1)<<(proto&63)
	if s[w]&m != 0 {
		return false
	}
	s[w] |= m
	return true
}

func (s *protoSet) min() uint8 {
	for i, w := range s {
		if w != 0 {
			return uint8(i*64 + bits.TrailingZeros64(w))
		}
	}
	return 0
}

func (s *protoSet) max() uint8 {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] != 0 {
			return uint8(i*64 + 63 - bits.LeadingZeros64(s[i]))
		}
	}
	return 0
}

// pair is what one source sent to one destination.
type pair struct {
	dst        netip.Addr
	packets    uint32 // every packet
	scored     uint32 // packets that count towards the level
	gated      uint32 // ACK/RST-class packets waiting for the ack-scan threshold
	min, max   uint16 // TCP/UDP/UDPLITE destination-port range of scored packets
	gMin, gMax uint16 // the same for gated packets
	hasRange   bool
	gHasRange  bool
	gateOpen   bool // gated packets count (ack-scan threshold reached)
	scoring    bool // counts as a destination of its source
	uncommon   bool // a protocol other than TCP/UDP/UDPLITE/ICMP/ICMPv6 was seen
	level      uint8
	sweepMask  uint8 // source sweep records that counted this destination
	nprotos    uint16
	protos     protoSet
	recs       []scanRec
}

// reset empties pr for dst, keeping the record slice's backing array. The
// records' port sets must already be released.
func (pr *pair) reset(dst netip.Addr) {
	recs := pr.recs[:0]
	*pr = pair{dst: dst, recs: recs}
}

func (pr *pair) release(bp *bitmapPool) {
	for i := range pr.recs {
		pr.recs[i].ports.release(bp)
	}
}

// rec returns the record of class c and protocol proto, adding it.
func (pr *pair) rec(c class, proto uint8) *scanRec {
	for i := range pr.recs {
		if r := &pr.recs[i]; r.class == c && r.proto == proto {
			return r
		}
	}
	n := len(pr.recs)
	if n < cap(pr.recs) {
		pr.recs = pr.recs[:n+1]
		r := &pr.recs[n]
		list := r.ports.list[:0]
		*r = scanRec{class: c, proto: proto}
		r.ports.list = list
		return r
	}
	pr.recs = append(pr.recs, scanRec{class: c, proto: proto})
	return &pr.recs[n]
}

// extend widens a port range with v.
func extend(lo, hi *uint16, has *bool, v uint16) {
	if !*has || v < *lo {
		*lo = v
	}
	if !*has || v > *hi {
		*hi = v
	}
	*has = true
}

// observe counts one packet. It returns the scan classes the packet made
// visible and whether the destination just became a scoring one.
func (pr *pair) observe(o *obs, c *Config, bp *bitmapPool) (visible uint32, became, scored bool) {
	pr.packets++
	if pr.protos.add(o.proto) {
		pr.nprotos++
		pr.uncommon = pr.uncommon || !commonProto(o.proto)
	}
	var r *scanRec
	if o.cls != classNone {
		r = pr.rec(o.cls, o.proto)
		r.add(o.val, o.hasVal, bp)
	}
	if pr.protoScan(c) {
		visible |= 1 << classProto
	}
	if o.cls.gated() && !pr.gateOpen {
		pr.gated++
		if o.inRange {
			extend(&pr.gMin, &pr.gMax, &pr.gHasRange, o.val)
		}
		if r.ports.count() < c.AckScanMinPorts {
			return visible, false, false
		}
		visible |= pr.openGate()
	} else {
		pr.scored++
		if o.inRange {
			extend(&pr.min, &pr.max, &pr.hasRange, o.val)
		}
	}
	if o.cls != classNone {
		visible |= 1 << o.cls
	}
	became = !pr.scoring
	pr.scoring = true
	return visible, became, true
}

// openGate lets the gated packets count and returns their classes.
func (pr *pair) openGate() (visible uint32) {
	pr.gateOpen = true
	pr.scored += pr.gated
	pr.gated = 0
	if pr.gHasRange {
		extend(&pr.min, &pr.max, &pr.hasRange, pr.gMin)
		extend(&pr.min, &pr.max, &pr.hasRange, pr.gMax)
	}
	for i := range pr.recs {
		if pr.recs[i].class.gated() {
			visible |= 1 << pr.recs[i].class
		}
	}
	return visible
}

// protoScan reports whether the pair looks like an IP protocol scan.
func (pr *pair) protoScan(c *Config) bool {
	return pr.uncommon && int(pr.nprotos) >= c.ProtoScanMinProtos
}

// visible reports whether r's class is shown for this pair.
func (pr *pair) visible(r *scanRec) bool { return pr.gateOpen || !r.class.gated() }

// rescore raises the pair's level from its scored packets when it is
// eligible; wide is the source-wide eligibility (protocols, destinations).
func (pr *pair) rescore(c *Config, wide bool) uint8 {
	if wide || pr.portRange() >= c.MinPortRange {
		pr.level = maxU8(pr.level, levelFor(int(pr.scored), &c.DangerLevels))
	}
	return pr.level
}

// portRange is what psad compares with PORT_RANGE_SCAN_THRESHOLD: the
// TCP/UDP/UDPLITE destination-port range (highest minus lowest port) or,
// when the pair has no such port above 0 (ICMP, other protocols), its
// packet count.
func (pr *pair) portRange() int {
	if pr.hasRange && pr.max > 0 {
		return int(pr.max - pr.min)
	}
	return int(pr.scored)
}
