package rules

import (
	"slices"

	"github.com/ifw/ifw/sources"
)

// keyKind is the packet value a protocol's rules are indexed by.
type keyKind uint8

const (
	keyNone keyKind = iota
	keyPort         // destination port
	keyICMP         // ICMP type
)

const (
	// maxKeyedWidth: a rule whose key covers more values is not indexed
	// by key (it would sit in too many buckets).
	maxKeyedWidth = 4096
	// maxProtos: a rule whose protocol test allows more protocols is
	// checked for every protocol.
	maxProtos = 16
)

func keyKindOf(proto uint8) keyKind {
	switch proto {
	case sources.ProtoTCP, sources.ProtoUDP, sources.ProtoUDPLite, sources.ProtoSCTP:
		return keyPort
	case sources.ProtoICMP, sources.ProtoICMPv6:
		return keyICMP
	}
	return keyNone
}

// protoIndex holds the candidate rules of one protocol: rules keyed by
// destination port (or ICMP type), in buckets of key values that all have
// the same candidates, and the other rules (generic). Lists hold rule
// positions in increasing order. Every list exists in two variants: [0]
// for any packet, [1] for plain packets (no feature, see packetFeatures)
// without the rules that require a feature.
type protoIndex struct {
	kind    keyKind
	starts  []uint32     // first key of each bucket; starts[0] == 0
	lists   [2][][]int32 // candidates of each bucket
	generic [2][]int32
	// byFlags (TCP only) is generic filtered by each TCP flags value, for
	// packets with a TCP header.
	byFlags *[2][256][]int32
}

// variant is the list variant for a packet with features f.
func variant(f feature) int {
	if f&rareFeatures == 0 {
		return 1
	}
	return 0
}

// candidates returns the keyed candidates for p.
func (ix *protoIndex) candidates(p *sources.Packet, v int) []int32 {
	var k uint32
	switch {
	case len(ix.starts) == 0:
		return nil
	case ix.kind == keyPort && p.Fields&sources.HasPorts != 0:
		k = uint32(p.DstPort)
	case ix.kind == keyICMP && p.Fields&sources.HasICMP != 0:
		k = uint32(p.ICMPType)
	default:
		return nil
	}
	return ix.lists[v][ix.bucket(k)]
}

// genericFor returns the unkeyed candidates for p.
func (ix *protoIndex) genericFor(p *sources.Packet, v int) []int32 {
	if ix.byFlags != nil && p.Fields&sources.HasTCP != 0 {
		return ix.byFlags[v][p.TCPFlags]
	}
	return ix.generic[v]
}

// bucket is the index of the last start <= k.
func (ix *protoIndex) bucket(k uint32) int {
	lo, hi := 0, len(ix.starts)
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if ix.starts[m] <= k {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

type keyedRule struct {
	i     int32
	spans []span
}

type protoBuild struct {
	keyed   []keyedRule
	generic []int32
}

// buildIndex sorts rules into per-protocol indexes; pre holds the rules'
// prefilters.
func buildIndex(rules []*Rule, pre []prefilter) [256]*protoIndex {
	var anyProto []int32
	builds := map[uint8]*protoBuild{}
	for i, r := range rules {
		protos, ok := r.c.protoList()
		if !ok {
			anyProto = append(anyProto, int32(i))
			continue
		}
		for _, pr := range protos {
			b := builds[pr]
			if b == nil {
				b = &protoBuild{}
				builds[pr] = b
			}
			if spans, ok := r.c.keySpans(keyKindOf(pr)); ok {
				b.keyed = append(b.keyed, keyedRule{int32(i), spans})
			} else {
				b.generic = append(b.generic, int32(i))
			}
		}
	}
	var idx [256]*protoIndex
	shared := &protoIndex{generic: [2][]int32{anyProto, plainOnly(anyProto, pre)}}
	for i := range idx {
		idx[i] = shared
	}
	for pr, b := range builds {
		ix := b.finish(keyKindOf(pr), anyProto, pre)
		if pr == sources.ProtoTCP {
			ix.byFlags = flagLists(rules, ix.generic[0], pre)
		}
		idx[pr] = ix
	}
	return idx
}

func (b *protoBuild) finish(kind keyKind, anyProto []int32, pre []prefilter) *protoIndex {
	gen := append(slices.Clone(b.generic), anyProto...)
	slices.Sort(gen)
	gen = slices.Compact(gen)
	ix := &protoIndex{kind: kind, generic: [2][]int32{gen, plainOnly(gen, pre)}}
	if len(b.keyed) == 0 {
		return ix
	}
	starts := []uint32{0}
	for _, k := range b.keyed {
		for _, s := range k.spans {
			starts = append(starts, s.lo, s.hi+1)
		}
	}
	slices.Sort(starts)
	ix.starts = slices.Compact(starts)
	lists := make([][]int32, len(ix.starts))
	for _, k := range b.keyed {
		for _, s := range k.spans {
			for j := ix.bucket(s.lo); j < len(ix.starts) && ix.starts[j] <= s.hi; j++ {
				if l := lists[j]; len(l) == 0 || l[len(l)-1] != k.i {
					lists[j] = append(l, k.i)
				}
			}
		}
	}
	ix.lists[0] = lists
	ix.lists[1] = make([][]int32, len(lists))
	for j, l := range lists {
		ix.lists[1][j] = plainOnly(l, pre)
	}
	return ix
}

// plainOnly drops the rules that require a packet feature.
func plainOnly(list []int32, pre []prefilter) []int32 {
	var out []int32
	for _, i := range list {
		if pre[i].feats&rareFeatures == 0 {
			out = append(out, i)
		}
	}
	return out
}

// flagLists splits the generic rules by the TCP flags values they accept.
// The 256 lists share one backing array, counted first (ifw's start-up
// builds them for every run of ifw analyze).
func flagLists(rules []*Rule, generic []int32, pre []prefilter) *[2][256][]int32 {
	var out [2][256][]int32
	accepts := func(i int32, f int) bool { c := &rules[i].c; return !c.flags.on || c.flags.match(uint8(f)) }
	total := 0
	for f := range out[0] {
		for _, i := range generic {
			if accepts(i, f) {
				total++
			}
		}
	}
	all := make([]int32, 0, total)
	for f := range out[0] {
		start := len(all)
		for _, i := range generic {
			if accepts(i, f) {
				all = append(all, i)
			}
		}
		if len(all) > start {
			out[0][f] = all[start:len(all):len(all)]
		}
		out[1][f] = plainOnly(out[0][f], pre)
	}
	return &out
}

// protoList lists the protocols a rule can match, when its first
// positive protocol test allows only a few.
func (c *conds) protoList() ([]uint8, bool) {
	protos, _, ok := c.protoTest()
	return protos, ok
}

// protoTest is protoList, and the position of the test in c.nums.
func (c *conds) protoTest() ([]uint8, int, bool) {
	for pos, t := range c.nums {
		if t.f != fProto || len(t.set.neg) > 0 || t.set.width() > maxProtos {
			continue
		}
		var out []uint8
		for _, r := range t.set.pos {
			for v := r.lo; v <= r.hi; v++ {
				out = append(out, uint8(v))
			}
		}
		slices.Sort(out)
		return slices.Compact(out), pos, true
	}
	return nil, -1, false
}

// keySpans returns the key values a rule requires, if it can be indexed.
func (c *conds) keySpans(kind keyKind) ([]span, bool) {
	pos := c.keyTest(kind)
	if pos < 0 {
		return nil, false
	}
	return c.nums[pos].set.pos, true
}

// keyTest is the position in c.nums of the test a rule is indexed by, or -1.
func (c *conds) keyTest(kind keyKind) int {
	f := fDport
	switch {
	case c.bidir || kind == keyNone:
		return -1
	case kind == keyICMP:
		f = fIType
	}
	for pos, t := range c.nums {
		if t.f == f && len(t.set.neg) == 0 && t.set.width() <= maxKeyedWidth {
			return pos
		}
	}
	return -1
}

// indexedTests are the positions in c.nums of the tests that the index
// guarantees for a packet reaching the rule through it.
func (c *conds) indexedTests() []int {
	protos, pos, ok := c.protoTest()
	if !ok {
		return nil
	}
	key := c.keyTest(keyKindOf(protos[0]))
	for _, pr := range protos[1:] {
		if c.keyTest(keyKindOf(pr)) != key {
			return []int{pos} // keyed for some protocols only
		}
	}
	return []int{pos, key}
}
