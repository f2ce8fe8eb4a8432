package nflog

import (
	"github.com/ifw/ifw/sources"
)

const icmpHeaderLen = 8

// ICMP types the kernel's LOG decodes further.
const (
	icmpEchoReply     = 0
	icmpDestUnreach   = 3
	icmpSourceQuench  = 4
	icmpRedirect      = 5
	icmpEcho          = 8
	icmpTimeExceeded  = 11
	icmpParameterProb = 12
	icmpFragNeeded    = 4 // code of icmpDestUnreach
	icmpTypeCount     = 18
)

// icmpRequired is the kernel's required_len: how many bytes from the start
// of the ICMP header a type needs before its fields are printed, else
// "INCOMPLETE [N bytes]".
var icmpRequired = [icmpTypeCount + 1]uint8{
	icmpEchoReply: 4, icmpDestUnreach: 8 + ipv4HeaderLen, icmpSourceQuench: 8 + ipv4HeaderLen,
	icmpRedirect: 8 + ipv4HeaderLen, icmpEcho: 4, icmpTimeExceeded: 8 + ipv4HeaderLen,
	icmpParameterProb: 8 + ipv4HeaderLen, 13: 20, 14: 20, 17: 12, 18: 12,
}

// decodeICMP reads an ICMP header as dump_ipv4_packet prints it; the packet
// an error quotes goes to pkt.Embedded, unless pkt is itself quoted.
func decodeICMP(f *frame, at int, fragment bool, pkt *sources.Packet, inner bool) {
	if fragment || !f.header(pkt, at, icmpHeaderLen) {
		return
	}
	typ, code := f.b[at], f.b[at+1]
	pkt.ICMPType, pkt.ICMPCode = typ, code
	pkt.Fields |= sources.HasICMP
	if typ <= icmpTypeCount && icmpRequired[typ] != 0 && f.total-at < int(icmpRequired[typ]) {
		pkt.Incomplete = uint32(f.total - at)
		pkt.Fields |= sources.HasIncomplete
		return
	}
	switch typ {
	case icmpEchoReply, icmpEcho:
		setEcho(f, at, pkt)
	case icmpParameterProb:
		pkt.Parameter = uint32(f.b[at+4])
		pkt.Fields |= sources.HasParameter
	case icmpRedirect, icmpDestUnreach, icmpSourceQuench, icmpTimeExceeded:
		if typ == icmpRedirect {
			pkt.Gateway = f.addr4(at + 4)
			pkt.Fields |= sources.HasGateway
		}
		if !inner {
			embedIPv4(f, at+icmpHeaderLen, pkt)
		}
		if typ == icmpDestUnreach && code == icmpFragNeeded {
			pkt.MTU = uint32(f.u16(at + 6))
			pkt.Fields |= sources.HasMTU
		}
	}
}

func setEcho(f *frame, at int, pkt *sources.Packet) {
	pkt.ICMPID, pkt.ICMPSeq = f.u16(at+4), f.u16(at+6)
	pkt.Fields |= sources.HasICMPEcho
}

// ICMPv6 types the kernel's LOG decodes further.
const (
	icmp6DestUnreach  = 1
	icmp6PacketTooBig = 2
	icmp6TimeExceeded = 3
	icmp6ParamProb    = 4
	icmp6EchoRequest  = 128
	icmp6EchoReply    = 129
)

// decodeICMPv6 reads an ICMPv6 header as dump_ipv6_packet prints it.
func decodeICMPv6(f *frame, at int, fragment bool, pkt *sources.Packet, inner bool) {
	if fragment || !f.header(pkt, at, icmpHeaderLen) {
		return
	}
	typ := f.b[at]
	pkt.ICMPType, pkt.ICMPCode = typ, f.b[at+1]
	pkt.Fields |= sources.HasICMP
	switch typ {
	case icmp6EchoRequest, icmp6EchoReply:
		setEcho(f, at, pkt)
	case icmp6ParamProb, icmp6DestUnreach, icmp6PacketTooBig, icmp6TimeExceeded:
		if typ == icmp6ParamProb {
			pkt.Parameter = f.u32(at + 4)
			pkt.Fields |= sources.HasParameter
		}
		if !inner {
			embedIPv6(f, at+icmpHeaderLen, pkt)
		}
		if typ == icmp6PacketTooBig {
			pkt.MTU = f.u32(at + 4)
			pkt.Fields |= sources.HasMTU
		}
	}
}

// embedIPv4 decodes the IPv4 packet an ICMP error quotes at off into
// pkt.Embedded. It decodes into a separate Packet, so nothing of the quoted
// packet can reach the outer header. The kernel's required length has
// vouched for its 20 bytes in the packet; the copy may still lack them.
func embedIPv4(f *frame, off int, pkt *sources.Packet) {
	if !f.has(off, ipv4HeaderLen) {
		return
	}
	var in sources.Packet
	decodeIPv4(f, off, &in, true)
	setEmbedded(pkt, &in)
}

// embedIPv6 decodes the IPv6 packet an ICMPv6 error quotes. When its header
// is not all there the kernel prints "[TRUNCATED]", which no reader can
// use: pkt gets no embedded packet.
func embedIPv6(f *frame, off int, pkt *sources.Packet) {
	if !f.has(off, ipv6HeaderLen) {
		return
	}
	var in sources.Packet
	decodeIPv6(f, off, &in, true)
	setEmbedded(pkt, &in)
}

func setEmbedded(pkt, in *sources.Packet) {
	pkt.Embedded = sources.Embedded{
		Src: in.Src, Dst: in.Dst, Proto: in.Proto, Len: in.Len, TTL: in.TTL, ID: in.ID,
		SrcPort: in.SrcPort, DstPort: in.DstPort, TCPFlags: in.TCPFlags,
		ICMPType: in.ICMPType, ICMPCode: in.ICMPCode,
	}
	pkt.Fields |= sources.HasEmbedded
}
