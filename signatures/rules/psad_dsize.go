package rules

import (
	"errors"

	"github.com/ifw/ifw/sources"
)

// psad computes a packet's payload size (dsize, psad_dsize) from the lengths
// in the log line, with fixed header sizes:
//
//	TCP   IP length - 40, and - 44 more when the packet has SYN (room for
//	      options the log may not show)
//	UDP   UDP length - 8
//	ICMP  IP length - 24
//
// a negative size counting as 0; an "ip" rule's dsize is never tested. A
// psad rule's dsize means that, so ParsePsad turns it into the test of the
// logged length it amounts to. Only a TCP rule that does not say whether
// the packet has SYN cannot be expressed that way; it keeps ifw's dsize.
const (
	psadTCPHeader  = 40
	psadSYNOptions = 44
	psadUDPHeader  = 8
	psadICMPHeader = 24
)

var errDsizeTooLarge = errors.New("dsize beyond any packet length")

// dsize adds the test for one psad dsize (or psad_dsize) set.
func (pr *psadRule) dsize(set valueSet) error {
	f, hdr := fLen, uint32(0)
	switch pr.proto {
	case "ip":
		return nil
	case "udp":
		f, hdr = fUDPLen, psadUDPHeader
	case "icmp":
		hdr = psadICMPHeader
	case "tcp":
		syn, known := pr.b.r.c.flags.requires(uint8(sources.SYN))
		if !known {
			pr.b.addNum(fDsize, set)
			return nil
		}
		hdr = psadTCPHeader
		if syn {
			hdr += psadSYNOptions
		}
	default:
		pr.b.addNum(fDsize, set)
		return nil
	}
	shifted := shiftSet(set, hdr, fieldInfos[f].max)
	if len(set.pos) > 0 && len(shifted.pos) == 0 {
		return errDsizeTooLarge
	}
	pr.b.addNum(f, shifted)
	return nil
}

// shiftSet turns a set of payload sizes into the set of lengths L with
// max(0, L-hdr) in it.
func shiftSet(set valueSet, hdr, max uint32) valueSet {
	shift := func(in []span) []span {
		out := make([]span, 0, len(in))
		for _, s := range in {
			if s.lo+hdr < s.lo || s.lo+hdr > max {
				continue // no length has this size
			}
			lo, hi := s.lo+hdr, s.hi+hdr
			if s.lo == 0 {
				lo = 0
			}
			if hi < s.hi || hi > max { // overflow or beyond the field
				hi = max
			}
			if lo <= hi {
				out = append(out, span{lo, hi})
			}
		}
		return out
	}
	return valueSet{pos: shift(set.pos), neg: shift(set.neg)}
}
