package nflog

import (
	"github.com/ifw/ifw/sources"
)

// Header sizes.
const (
	ipv4HeaderLen = 20
	ipv6HeaderLen = 40
)

// Decode resets pkt and fills it from payload, a raw IPv4 or IPv6 packet as
// NFLOG delivers it (starting at the network header), with the values the
// kernel's LOG target prints for the same packet (as with
// --log-tcp-sequence --log-tcp-options --log-ip-options).
//
// It fills only what the packet carries: metadata (time, prefix,
// interfaces, link-layer header, UID/GID, mark, source name) is the
// caller's. A payload that cannot hold an IP header returns a DecodeError;
// a packet cut short anywhere later decodes what it holds and marks the rest
// as the kernel would (Incomplete, Truncated). When the copy was cut by the
// group's copy range before a header the packet does hold, pkt is marked
// Truncated too. Decode does not allocate and keeps no reference to payload.
func Decode(payload []byte, pkt *sources.Packet) error {
	*pkt = sources.Packet{}
	if len(payload) == 0 {
		return ErrTooShort
	}
	f := frame{b: payload, total: len(payload)}
	switch payload[0] >> 4 {
	case 4:
		if len(payload) < ipv4HeaderLen {
			return ErrTooShort
		}
		if payload[0]&0x0f < 5 {
			return ErrHeaderLength
		}
		f.total = max(len(payload), int(f.u16(2)))
		decodeIPv4(&f, 0, pkt, false)
	case 6:
		if len(payload) < ipv6HeaderLen {
			return ErrTooShort
		}
		f.total = max(len(payload), int(f.u16(4))+ipv6HeaderLen)
		decodeIPv6(&f, 0, pkt, false)
	default:
		return ErrVersion
	}
	if f.cut {
		pkt.Fields |= sources.Truncated
	}
	return nil
}
