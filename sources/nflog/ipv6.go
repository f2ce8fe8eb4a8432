package nflog

import (
	"github.com/ifw/ifw/sources"
)

// IPv6 next-header values of the extension headers the kernel walks
// (nf_ip6_ext_hdr), and "no next header".
const (
	nextHopByHop = 0
	nextRouting  = 43
	nextFragment = 44
	nextESP      = 50
	nextAH       = 51
	nextNone     = 59
	nextDestOpts = 60
)

// decodeIPv6 decodes the IPv6 header at off and its extension headers the
// way the kernel's dump_ipv6_packet walks them. The caller has checked that
// 40 bytes are there. inner is the packet an ICMPv6 error quotes.
func decodeIPv6(f *frame, off int, pkt *sources.Packet, inner bool) {
	word := f.u32(off)
	pkt.Version = 6
	pkt.Src, pkt.Dst = f.addr16(off+8), f.addr16(off+24)
	pkt.Len = uint32(f.u16(off+4)) + ipv6HeaderLen
	pkt.TOS = uint8(word >> 20)
	pkt.FlowLabel = word & 0x000fffff
	pkt.TTL = f.b[off+7]

	at, next, fragment, ok := walkExtensions(f, off+ipv6HeaderLen, f.b[off+6], pkt)
	if !ok {
		return
	}
	pkt.Proto = next
	if next == sources.ProtoICMPv6 {
		decodeICMPv6(f, at, fragment, pkt, inner)
		return
	}
	decodeTransport(f, at, fragment, pkt)
}

// walkExtensions follows the extension headers from at, the first of type
// next. It returns where the upper-layer header starts, its type, whether
// the packet is a non-first fragment, and false when the kernel stops
// before naming a protocol (pkt says why: Truncated, Incomplete, ESP, or an
// extension header after a fragment, which is payload, not a header).
func walkExtensions(f *frame, at int, next uint8, pkt *sources.Packet) (int, uint8, bool, bool) {
	fragment := false
	for isExtension(next) {
		if !f.has(at, 2) {
			pkt.Fields |= sources.Truncated
			return at, next, fragment, false
		}
		size, ok := extension(f, at, next, &fragment, pkt)
		if !ok {
			return at, next, fragment, false
		}
		next = f.b[at]
		at += size
	}
	return at, next, fragment, true
}

// extension reads the extension header of type next at at and returns its
// size, or false when the walk stops there.
func extension(f *frame, at int, next uint8, fragment *bool, pkt *sources.Packet) (int, bool) {
	switch next {
	case nextFragment:
		if !f.has(at, 8) {
			pkt.Fields |= sources.Truncated
			return 0, false
		}
		*fragment = decodeFragment(f, at, pkt)
		return 8, true
	case nextAH:
		if *fragment || !f.header(pkt, at, ahHeaderLen) {
			pkt.Proto = next
			return 0, false
		}
		pkt.SPI = f.u32(at + ahSPI)
		pkt.Fields |= sources.HasSPI
		return (int(f.b[at+1]) + 2) * 4, true
	case nextESP:
		pkt.Proto = next
		decodeSPI(f, at, *fragment, espHeaderLen, espSPI, pkt)
		return 0, false
	}
	// hop-by-hop, routing, destination options
	if *fragment {
		pkt.Proto = next
		return 0, false
	}
	return (int(f.b[at+1]) + 1) * 8, true
}

func isExtension(next uint8) bool {
	switch next {
	case nextHopByHop, nextRouting, nextFragment, nextESP, nextAH, nextDestOpts:
		return true
	}
	return false
}

// decodeFragment reads a fragment header: FRAG is the offset in bytes,
// INCOMPLETE (more fragments) is kept as MF. It reports whether this is a
// non-first fragment.
func decodeFragment(f *frame, at int, pkt *sources.Packet) bool {
	word := f.u16(at + 2)
	pkt.FragOff = word & 0xfff8
	if word&1 != 0 {
		pkt.IPFlags |= sources.FlagMF
	}
	pkt.FragID = f.u32(at + 4)
	pkt.Fields |= sources.HasFragID
	return pkt.FragOff != 0
}
