package dnsnames

import (
	"encoding/binary"
	"net/netip"
)

// IP protocols carrying DNS.
const (
	protoTCP = 6
	protoUDP = 17
)

// segment is a packet's transport part: protocol, ends and payload.
type segment struct {
	proto    uint8
	src, dst netip.AddrPort
	payload  []byte
}

// decodePacket reads an IPv4 or IPv6 packet (from its network header)
// carrying UDP or TCP; false for anything else, fragments included.
func decodePacket(b []byte) (segment, bool) {
	if len(b) == 0 {
		return segment{}, false
	}
	switch b[0] >> 4 {
	case 4:
		return decode4(b)
	case 6:
		return decode6(b)
	}
	return segment{}, false
}

func decode4(b []byte) (segment, bool) {
	ihl := int(b[0]&0x0f) * 4
	if len(b) < 20 || ihl < 20 || len(b) < ihl {
		return segment{}, false
	}
	if binary.BigEndian.Uint16(b[6:8])&0x3fff != 0 { // MF or an offset: a fragment
		return segment{}, false
	}
	total := int(binary.BigEndian.Uint16(b[2:4]))
	if total < ihl {
		return segment{}, false
	}
	end := min(total, len(b))
	src, dst := netip.AddrFrom4([4]byte(b[12:16])), netip.AddrFrom4([4]byte(b[16:20]))
	return transport(b[9], src, dst, b[ihl:end])
}

func decode6(b []byte) (segment, bool) {
	if len(b) < 40 {
		return segment{}, false
	}
	end := min(40+int(binary.BigEndian.Uint16(b[4:6])), len(b))
	src, dst := netip.AddrFrom16([16]byte(b[8:24])), netip.AddrFrom16([16]byte(b[24:40]))
	next, off := b[6], 40
	for i := 0; ; i++ {
		switch next {
		case 0, 43, 60: // hop-by-hop, routing, destination options
		default:
			if off > end {
				return segment{}, false
			}
			return transport(next, src, dst, b[off:end])
		}
		if i == 8 || off+8 > end {
			return segment{}, false
		}
		next, off = b[off], off+(int(b[off+1])+1)*8
	}
}

// transport reads a UDP datagram or TCP segment.
func transport(proto uint8, src, dst netip.Addr, l4 []byte) (segment, bool) {
	s := segment{proto: proto}
	switch proto {
	case protoUDP:
		if len(l4) < 8 {
			return s, false
		}
		n := int(binary.BigEndian.Uint16(l4[4:6]))
		if n < 8 || n > len(l4) {
			return s, false
		}
		s.payload = l4[8:n]
	case protoTCP:
		if len(l4) < 20 {
			return s, false
		}
		off := int(l4[12]>>4) * 4
		if off < 20 || off > len(l4) {
			return s, false
		}
		s.payload = l4[off:]
	default:
		return s, false
	}
	s.src = netip.AddrPortFrom(src, binary.BigEndian.Uint16(l4[0:2]))
	s.dst = netip.AddrPortFrom(dst, binary.BigEndian.Uint16(l4[2:4]))
	return s, true
}

// messages splits a segment's payload into DNS messages: the datagram for
// UDP, the whole length-prefixed messages for TCP (nil when one is cut).
func (s segment) messages() [][]byte {
	if s.proto == protoUDP {
		return [][]byte{s.payload}
	}
	var out [][]byte
	for p := s.payload; len(p) > 0; {
		if len(p) < 2 {
			return nil
		}
		n := int(binary.BigEndian.Uint16(p))
		if n == 0 || 2+n > len(p) || len(out) == 8 {
			return nil
		}
		out = append(out, p[2:2+n])
		p = p[2+n:]
	}
	return out
}
