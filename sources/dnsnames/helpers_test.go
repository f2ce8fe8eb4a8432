package dnsnames

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"time"
)

// rr is an answer record for wire.
type rr struct {
	name  string
	typ   uint16
	ttl   uint32
	addr  string // A, AAAA
	cname string // CNAME
}

// wire builds a DNS message: one question, the records, no compression.
func wire(id uint16, response bool, qname string, qtype uint16, answers ...rr) []byte {
	b := make([]byte, 12)
	binary.BigEndian.PutUint16(b[0:], id)
	if response {
		b[2] = 0x81
		b[3] = 0x80
	} else {
		b[2] = 0x01
	}
	binary.BigEndian.PutUint16(b[4:], 1)
	binary.BigEndian.PutUint16(b[6:], uint16(len(answers)))
	b = appendName(b, qname)
	b = binary.BigEndian.AppendUint16(b, qtype)
	b = binary.BigEndian.AppendUint16(b, ClassIN)
	for _, r := range answers {
		b = appendName(b, r.name)
		b = binary.BigEndian.AppendUint16(b, r.typ)
		b = binary.BigEndian.AppendUint16(b, ClassIN)
		b = binary.BigEndian.AppendUint32(b, r.ttl)
		var data []byte
		switch r.typ {
		case TypeCNAME:
			data = appendName(nil, r.cname)
		default:
			data = netip.MustParseAddr(r.addr).AsSlice()
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
		b = append(b, data...)
	}
	return b
}

func appendName(b []byte, name string) []byte {
	for _, l := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if l == "" {
			continue
		}
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

func a(name, addr string, ttl uint32) rr { return rr{name: name, typ: TypeA, ttl: ttl, addr: addr} }
func aaaa(name, addr string, ttl uint32) rr {
	return rr{name: name, typ: TypeAAAA, ttl: ttl, addr: addr}
}
func cname(name, target string, ttl uint32) rr {
	return rr{name: name, typ: TypeCNAME, ttl: ttl, cname: target}
}

// udpPacket wraps payload in UDP in IPv4 or IPv6 from src to dst.
func udpPacket(src, dst string, payload []byte) []byte {
	s, d := netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst)
	l4 := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint16(l4[0:], s.Port())
	binary.BigEndian.PutUint16(l4[2:], d.Port())
	binary.BigEndian.PutUint16(l4[4:], uint16(8+len(payload)))
	l4 = append(l4, payload...)
	return ipPacket(s.Addr(), d.Addr(), protoUDP, l4)
}

// tcpPacket wraps length-prefixed messages in a TCP segment.
func tcpPacket(src, dst string, msgs ...[]byte) []byte {
	s, d := netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst)
	l4 := make([]byte, 20)
	binary.BigEndian.PutUint16(l4[0:], s.Port())
	binary.BigEndian.PutUint16(l4[2:], d.Port())
	l4[12] = 5 << 4
	l4[13] = 0x18
	for _, m := range msgs {
		l4 = binary.BigEndian.AppendUint16(l4, uint16(len(m)))
		l4 = append(l4, m...)
	}
	return ipPacket(s.Addr(), d.Addr(), protoTCP, l4)
}

func ipPacket(src, dst netip.Addr, proto uint8, l4 []byte) []byte {
	if src.Is4() {
		h := make([]byte, 20)
		h[0] = 0x45
		binary.BigEndian.PutUint16(h[2:], uint16(20+len(l4)))
		h[8], h[9] = 64, proto
		copy(h[12:], src.AsSlice())
		copy(h[16:], dst.AsSlice())
		return append(h, l4...)
	}
	h := make([]byte, 40)
	h[0] = 0x60
	binary.BigEndian.PutUint16(h[4:], uint16(len(l4)))
	h[6], h[7] = proto, 64
	copy(h[8:], src.AsSlice())
	copy(h[24:], dst.AsSlice())
	return append(h, l4...)
}

var t0 = time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
