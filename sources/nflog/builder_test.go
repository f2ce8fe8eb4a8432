package nflog

import (
	"encoding/binary"
	"net/netip"
)

// A tiny packet builder for tests: each header type renders its bytes, and
// with() puts a network header in front of the headers and payload that
// follow, filling in the length field unless one is forced.

var be = binary.BigEndian

type ip4 struct {
	src, dst string // default 198.51.100.7 > 203.0.113.5
	tos, ttl uint8
	id, frag uint16 // frag: the whole flags+offset word
	proto    uint8
	opts     []byte
	ihl      uint8 // forced header length in words, 0: from opts
	totLen   int   // forced total length, 0: actual
}

func (h ip4) with(parts ...[]byte) []byte {
	hl := ipv4HeaderLen + len(h.opts)
	b := make([]byte, hl, 64)
	b[0] = 0x40 | uint8(hl/4)
	if h.ihl != 0 {
		b[0] = 0x40 | h.ihl
	}
	b[1] = h.tos
	be.PutUint16(b[4:], h.id)
	be.PutUint16(b[6:], h.frag)
	b[8], b[9] = h.ttl, h.proto
	src, dst := orAddr(h.src, "198.51.100.7"), orAddr(h.dst, "203.0.113.5")
	copy(b[12:], src.AsSlice())
	copy(b[16:], dst.AsSlice())
	copy(b[20:], h.opts)
	for _, p := range parts {
		b = append(b, p...)
	}
	n := len(b)
	if h.totLen != 0 {
		n = h.totLen
	}
	be.PutUint16(b[2:], uint16(n))
	return b
}

type ip6 struct {
	src, dst string // default 2001:db8:1::7 > 2001:db8:2::5
	tc       uint8
	flow     uint32
	hop      uint8
	next     uint8
	plen     int // forced payload length, 0: actual; -1: zero
}

func (h ip6) with(parts ...[]byte) []byte {
	b := make([]byte, ipv6HeaderLen, 128)
	be.PutUint32(b, 6<<28|uint32(h.tc)<<20|h.flow&0xfffff)
	b[6], b[7] = h.next, h.hop
	copy(b[8:], orAddr(h.src, "2001:db8:1::7").AsSlice())
	copy(b[24:], orAddr(h.dst, "2001:db8:2::5").AsSlice())
	for _, p := range parts {
		b = append(b, p...)
	}
	switch {
	case h.plen > 0:
		be.PutUint16(b[4:], uint16(h.plen))
	case h.plen == 0:
		be.PutUint16(b[4:], uint16(len(b)-ipv6HeaderLen))
	}
	return b
}

func orAddr(s, def string) netip.Addr {
	if s == "" {
		s = def
	}
	return netip.MustParseAddr(s)
}

type tcp struct {
	sport, dport uint16
	seq, ack     uint32
	res          uint8 // the four reserved bits
	flags        uint8
	win, urg     uint16
	opts         []byte
	doff         uint8 // forced data offset in words, 0: from opts
}

func (h tcp) bytes() []byte {
	b := make([]byte, tcpHeaderLen, tcpHeaderLen+len(h.opts))
	be.PutUint16(b, h.sport)
	be.PutUint16(b[2:], h.dport)
	be.PutUint32(b[4:], h.seq)
	be.PutUint32(b[8:], h.ack)
	doff := uint8(5 + len(h.opts)/4)
	if h.doff != 0 {
		doff = h.doff
	}
	b[12] = doff<<4 | h.res&0x0f
	b[13] = h.flags
	be.PutUint16(b[14:], h.win)
	be.PutUint16(b[18:], h.urg)
	return append(b, h.opts...)
}

func udp(sport, dport, length uint16) []byte {
	b := make([]byte, udpHeaderLen)
	be.PutUint16(b, sport)
	be.PutUint16(b[2:], dport)
	be.PutUint16(b[4:], length)
	return b
}

// icmp is an ICMP or ICMPv6 header; rest is its second word.
func icmp(typ, code uint8, rest uint32) []byte {
	b := []byte{typ, code, 0, 0, 0, 0, 0, 0}
	be.PutUint32(b[4:], rest)
	return b
}

// ext is an IPv6 hop-by-hop, routing or destination options header of
// 8*(units+1) bytes.
func ext(next, units uint8) []byte {
	b := make([]byte, 8*(int(units)+1))
	b[0], b[1] = next, units
	if len(b) > 2 {
		b[2] = 1 // PadN
		b[3] = uint8(len(b) - 4)
	}
	return b
}

func fragment6(next uint8, offset uint16, more bool, id uint32) []byte {
	b := make([]byte, 8)
	b[0] = next
	w := offset &^ 7
	if more {
		w |= 1
	}
	be.PutUint16(b[2:], w)
	be.PutUint32(b[4:], id)
	return b
}

func ah(next uint8, spi uint32) []byte {
	b := make([]byte, 16) // 12 bytes and 4 of ICV: hdrlen (16/4)-2 = 2
	b[0], b[1] = next, 2
	be.PutUint32(b[4:], spi)
	return b
}

func esp(spi uint32) []byte {
	b := make([]byte, 16)
	be.PutUint32(b, spi)
	return b
}

func zeros(n int) []byte { return make([]byte, n) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}
