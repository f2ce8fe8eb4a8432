package rules

import (
	"encoding/binary"
	"net/netip"

	"github.com/ifw/ifw/sources"
)

// Rule is one signature.
type Rule struct {
	ID    int    // unique within a Set (psad_id, else sid, for psad rules)
	Name  string // what it detects (psad's msg)
	Level int    // danger level 1-5 a match raises its source to
	// Count is how many matching packets one source must send before the
	// rule raises its level (count=N; 1 when unset): a single probe of a
	// service the whole Internet probes is noise, three are not.
	Count  int
	Class  string // category, e.g. "backdoor" (psad's classtype); may be empty
	Origin string // "file:line" the rule was read from

	c conds
}

// conds is what a packet must match; every present test must pass.
type conds struct {
	need     sources.Field // packet fields the tests read
	nums     []numTest
	flags    bitTest // TCP flags
	frag     bitTest // IP flags
	eqs      []addrEq
	src, dst addrSet
	ipopts   optTest
	tcpopts  optTest
	sameIP   bool // source address equals destination address
	bidir    bool // also try with source and destination swapped
}

// numTest tests one numeric field.
type numTest struct {
	f   field
	set valueSet
}

// addrEq tests that a 32-bit field (seq or ack) equals the packet's IPv4
// destination (or source) address, as Mirai's scanner sets it.
type addrEq struct {
	f   field
	dst bool
}

// Match reports whether p matches r. It does not allocate.
func (r *Rule) Match(p *sources.Packet) bool {
	if p.Fields&r.c.need != r.c.need {
		return false
	}
	return r.c.match(p, r.c.nums)
}

// match runs the tests, with nums for the numeric ones.
func (c *conds) match(p *sources.Packet, nums []numTest) bool {
	if c.flags.on && !c.flags.match(uint8(p.TCPFlags)) {
		return false
	}
	if c.frag.on && !c.frag.match(uint8(p.IPFlags)) {
		return false
	}
	if c.matchDir(p, nums, false) {
		return true
	}
	return c.bidir && c.matchDir(p, nums, true)
}

// matchDir runs the tests that depend on direction.
func (c *conds) matchDir(p *sources.Packet, nums []numTest, swap bool) bool {
	for i := range nums {
		t := &nums[i]
		v, ok := fieldValue(p, t.f, swap)
		if !ok || !t.set.has(v) {
			return false
		}
	}
	src, dst := p.Src, p.Dst
	if swap {
		src, dst = dst, src
	}
	for _, e := range c.eqs {
		if !e.match(p, src, dst) {
			return false
		}
	}
	if (c.src.on() && !c.src.has(src)) || (c.dst.on() && !c.dst.has(dst)) {
		return false
	}
	if c.sameIP && (!src.IsValid() || src != dst) {
		return false
	}
	if c.ipopts.on && !c.ipopts.match(p.IPOptions.Bytes()) {
		return false
	}
	return !c.tcpopts.on || c.tcpopts.match(p.TCPOptions.Bytes())
}

func (e addrEq) match(p *sources.Packet, src, dst netip.Addr) bool {
	a := src
	if e.dst {
		a = dst
	}
	if !a.Is4() {
		return false
	}
	b := a.As4()
	v, _ := transportValue(p, e.f)
	return v == binary.BigEndian.Uint32(b[:])
}
