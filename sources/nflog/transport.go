package nflog

import (
	"github.com/ifw/ifw/sources"
)

// Transport header sizes.
const (
	tcpHeaderLen  = 20
	udpHeaderLen  = 8
	sctpHeaderLen = 12
)

// decodeTransport decodes the TCP, UDP, UDP-Lite or SCTP header at at. A
// non-first fragment has none. Other protocols carry nothing the kernel
// logs beyond their number.
func decodeTransport(f *frame, at int, fragment bool, pkt *sources.Packet) {
	if fragment {
		return
	}
	switch pkt.Proto {
	case sources.ProtoTCP:
		decodeTCP(f, at, pkt)
	case sources.ProtoUDP, sources.ProtoUDPLite:
		if f.header(pkt, at, udpHeaderLen) {
			decodePorts(f, at, pkt)
			pkt.UDPLen = f.u16(at + 4)
			pkt.Fields |= sources.HasUDPLen
		}
	case sources.ProtoSCTP:
		// The kernel's LOG prints no SCTP ports; ifw reads them from the
		// common header when it is all there.
		if f.has(at, sctpHeaderLen) {
			decodePorts(f, at, pkt)
		}
	}
}

func decodePorts(f *frame, at int, pkt *sources.Packet) {
	pkt.SrcPort, pkt.DstPort = f.u16(at), f.u16(at+2)
	pkt.Fields |= sources.HasPorts
}

// decodeTCP reads a TCP header as nf_log_dump_tcp_header prints it.
func decodeTCP(f *frame, at int, pkt *sources.Packet) {
	if !f.header(pkt, at, tcpHeaderLen) {
		return
	}
	decodePorts(f, at, pkt)
	pkt.Seq, pkt.Ack = f.u32(at+4), f.u32(at+8)
	// RES=(ntohl(tcp_flag_word & TCP_RESERVED_BITS)) >> 22: the four
	// reserved bits of byte 12, shifted left by two.
	pkt.Res = (f.b[at+12] & 0x0f) << 2
	pkt.TCPFlags = sources.TCPFlags(f.b[at+13])
	pkt.Window = f.u16(at + 14)
	pkt.Urgp = f.u16(at + 18)
	pkt.Fields |= sources.HasSeq | sources.HasTCP
	hlen := int(f.b[at+12]>>4) * 4
	if hlen <= tcpHeaderLen {
		return
	}
	if !f.has(at+tcpHeaderLen, hlen-tcpHeaderLen) {
		pkt.Fields |= sources.Truncated // kernel: "OPT (TRUNCATED)"
		return
	}
	pkt.TCPOptions.Set(f.b[at+tcpHeaderLen : at+hlen])
}
