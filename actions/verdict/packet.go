package verdict

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/sources"
)

// IPv6 extension headers Decode walks over.
const (
	ext6HopByHop = 0
	ext6Routing  = 43
	ext6Fragment = 44
	ext6AH       = 51
	ext6DestOpts = 60
	ext6Max      = 8 // a chain longer than this is refused
)

// Decode reads the connection of a queued packet (an IPv4 or IPv6 packet
// from its network header): protocol, source and destination with ports.
// Protocols without ports, and fragments after the first, have port 0.
// Errors wrap ErrPacket.
func Decode(b []byte) (procs.Tuple, error) {
	if len(b) == 0 {
		return procs.Tuple{}, fmt.Errorf("%w: empty", ErrPacket)
	}
	switch b[0] >> 4 {
	case 4:
		return decode4(b)
	case 6:
		return decode6(b)
	}
	return procs.Tuple{}, fmt.Errorf("%w: IP version %d", ErrPacket, b[0]>>4)
}

func decode4(b []byte) (procs.Tuple, error) {
	ihl := int(b[0]&0x0f) * 4
	if len(b) < 20 || ihl < 20 || len(b) < ihl {
		return procs.Tuple{}, fmt.Errorf("%w: short IPv4 header", ErrPacket)
	}
	src := netip.AddrFrom4([4]byte(b[12:16]))
	dst := netip.AddrFrom4([4]byte(b[16:20]))
	proto := b[9]
	var sp, dp uint16
	if binary.BigEndian.Uint16(b[6:8])&0x1fff == 0 { // first fragment or none
		sp, dp = ports(proto, b[ihl:])
	}
	return tuple(proto, src, dst, sp, dp), nil
}

func decode6(b []byte) (procs.Tuple, error) {
	if len(b) < 40 {
		return procs.Tuple{}, fmt.Errorf("%w: short IPv6 header", ErrPacket)
	}
	src := netip.AddrFrom16([16]byte(b[8:24]))
	dst := netip.AddrFrom16([16]byte(b[24:40]))
	next, off, first := b[6], 40, true
	for i := 0; isExt6(next); i++ {
		if i == ext6Max || len(b) < off+8 {
			return procs.Tuple{}, fmt.Errorf("%w: IPv6 extension headers", ErrPacket)
		}
		h := b[off:]
		n := (int(h[1]) + 1) * 8
		switch next {
		case ext6Fragment:
			n = 8
			first = binary.BigEndian.Uint16(h[2:4])&0xfff8 == 0
		case ext6AH:
			n = (int(h[1]) + 2) * 4
		}
		next, off = h[0], off+n
	}
	var sp, dp uint16
	if first && off <= len(b) {
		sp, dp = ports(next, b[off:])
	}
	return tuple(next, src, dst, sp, dp), nil
}

func isExt6(p uint8) bool {
	switch p {
	case ext6HopByHop, ext6Routing, ext6Fragment, ext6AH, ext6DestOpts:
		return true
	}
	return false
}

// ports reads the source and destination ports of a transport header;
// 0, 0 for protocols without them or a header too short to hold them.
func ports(proto uint8, l4 []byte) (uint16, uint16) {
	if sources.HasPortsProto(proto) && len(l4) >= 4 {
		return binary.BigEndian.Uint16(l4[0:2]), binary.BigEndian.Uint16(l4[2:4])
	}
	return 0, 0
}

func tuple(proto uint8, src, dst netip.Addr, sp, dp uint16) procs.Tuple {
	return procs.Tuple{Proto: proto, Src: netip.AddrPortFrom(src, sp), Dst: netip.AddrPortFrom(dst, dp)}
}
