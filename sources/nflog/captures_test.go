package nflog

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ifw/ifw/sources"
)

// The real kernel LOG lines the logline package keeps (made by
// test/capture/capture.sh: nmap scans, fragments, ICMP errors, IPv6).
var capturesFile = filepath.Join("..", "logline", "testdata", "captures", "kmsg.log")

// TestCaptures rebuilds the packet behind every real kernel LOG line of the
// captures, decodes it, and requires the packet the text parser read from
// the kernel's own line: the kernel is the reference for every field.
func TestCaptures(t *testing.T) {
	data, err := os.ReadFile(capturesFile)
	if err != nil {
		t.Skipf("no captures: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		line := sc.Text()
		want := parseLine(t, line)
		raw := encode(&want)
		var got sources.Packet
		if err := Decode(raw, &got); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		sameHeader(t, got, want)
		if t.Failed() {
			t.Fatalf("line %d: %s\npacket % x", n+1, line, raw)
		}
		n++
	}
	if n < 500 {
		t.Fatalf("only %d capture lines", n)
	}
	t.Logf("%d kernel LOG lines rebuilt and decoded alike", n)
}

// encode rebuilds the raw packet a LOG line describes, from what the text
// parser read; what the line leaves out (payload, checksums, unlogged
// options) is zero. The packet is as long as its LEN says.
func encode(p *sources.Packet) []byte {
	if p.Version == 4 {
		h := ip4{src: p.Src.String(), dst: p.Dst.String(), tos: p.TOS | p.Prec, ttl: p.TTL, id: p.ID,
			frag: ipv4FlagBits(p) | p.FragOff, proto: p.Proto, opts: p.IPOptions.Bytes(), totLen: int(p.Len)}
		return fit(h.with(l4(p)), int(p.Len))
	}
	h := ip6{src: p.Src.String(), dst: p.Dst.String(), tc: p.TOS, flow: p.FlowLabel, hop: p.TTL,
		next: p.Proto, plen: int(p.Len) - ipv6HeaderLen}
	if h.plen == 0 {
		h.plen = -1
	}
	var exts []byte
	if p.Has(sources.HasFragID) {
		h.next = nextFragment
		exts = fragment6(p.Proto, p.FragOff, p.IPFlags&sources.FlagMF != 0, p.FragID)
	}
	return fit(h.with(exts, l4(p)), int(p.Len))
}

func ipv4FlagBits(p *sources.Packet) uint16 {
	var w uint16
	if p.IPFlags&sources.FlagCE != 0 {
		w |= ipCE
	}
	if p.IPFlags&sources.FlagDF != 0 {
		w |= ipDF
	}
	if p.IPFlags&sources.FlagMF != 0 {
		w |= ipMF
	}
	return w
}

// l4 rebuilds the transport header, and the quoted packet of an ICMP error.
func l4(p *sources.Packet) []byte {
	switch {
	case p.Has(sources.HasTCP):
		return tcp{sport: p.SrcPort, dport: p.DstPort, seq: p.Seq, ack: p.Ack, res: p.Res >> 2,
			flags: uint8(p.TCPFlags), win: p.Window, urg: p.Urgp, opts: p.TCPOptions.Bytes()}.bytes()
	case p.Has(sources.HasUDPLen):
		return udp(p.SrcPort, p.DstPort, p.UDPLen)
	case p.Has(sources.HasICMP):
		return cat(icmp(p.ICMPType, p.ICMPCode, icmpRest(p)), quoted(p))
	}
	return nil
}

func icmpRest(p *sources.Packet) uint32 {
	switch {
	case p.Has(sources.HasICMPEcho):
		return uint32(p.ICMPID)<<16 | uint32(p.ICMPSeq)
	case p.Has(sources.HasGateway):
		return be.Uint32(p.Gateway.AsSlice())
	case p.Has(sources.HasParameter) && p.Version == 4:
		return p.Parameter << 24
	case p.Has(sources.HasParameter), p.Has(sources.HasMTU):
		return p.Parameter | p.MTU
	}
	return 0
}

// quoted rebuilds the packet an ICMP error quotes, whole; the outer
// packet's length cuts it where the kernel saw it end.
func quoted(p *sources.Packet) []byte {
	if !p.Has(sources.HasEmbedded) {
		return nil
	}
	e := &p.Embedded
	in := sources.Packet{Version: p.Version, Src: e.Src, Dst: e.Dst, Proto: e.Proto, Len: e.Len, TTL: e.TTL, ID: e.ID,
		SrcPort: e.SrcPort, DstPort: e.DstPort, TCPFlags: e.TCPFlags, ICMPType: e.ICMPType, ICMPCode: e.ICMPCode}
	switch e.Proto {
	case sources.ProtoTCP:
		in.Fields |= sources.HasTCP
	case sources.ProtoUDP, sources.ProtoUDPLite:
		in.Fields |= sources.HasUDPLen
		in.UDPLen = uint16(e.Len) - ipv4HeaderLen
	case sources.ProtoICMP, sources.ProtoICMPv6:
		in.Fields |= sources.HasICMP
	}
	if p.Version == 4 {
		return ip4{src: e.Src.String(), dst: e.Dst.String(), ttl: e.TTL, id: e.ID, proto: e.Proto, totLen: int(e.Len)}.with(l4(&in))
	}
	return ip6{src: e.Src.String(), dst: e.Dst.String(), hop: e.TTL, next: e.Proto, plen: int(e.Len) - ipv6HeaderLen}.with(l4(&in))
}

// fit pads or cuts b to n bytes.
func fit(b []byte, n int) []byte {
	if len(b) >= n {
		return b[:n]
	}
	return append(b, make([]byte, n-len(b))...)
}
