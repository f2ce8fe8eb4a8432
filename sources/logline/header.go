package logline

import (
	"github.com/ifw/ifw/sources"
)

// body parses from "IN=" to the end of the line.
func (p *Parser) body(b []byte, pkt *sources.Packet) error {
	t := tokens{b: b}
	if err := p.interfaces(&t, pkt); err != nil {
		return err
	}
	d := decoder{p: p, pkt: pkt, t: &t}
	if err := d.run(nil); err != nil {
		return err
	}
	if err := d.finish(); err != nil {
		return err
	}
	pkt.Chain = sources.ChainOf(pkt.In, pkt.Out)
	return nil
}

// interfaces parses "IN=name OUT=name"; findHeader vouched for their shape.
func (p *Parser) interfaces(t *tokens, pkt *sources.Packet) error {
	in := t.word()
	out := t.word()
	if len(in) < 3 || len(out) < 4 || string(out[:4]) != "OUT=" {
		return fail(ReasonSyntax, "IN/OUT", in)
	}
	var ok1, ok2 bool
	pkt.In, ok1 = p.names.get(slotIn, in[3:])
	pkt.Out, ok2 = p.names.get(slotOut, out[4:])
	if !ok1 || !ok2 {
		return fail(ReasonEncoding, "IN/OUT", in)
	}
	return nil
}

// ipPair handles a KEY=value of the network header (before PROTO).
func (d *decoder) ipPair(key, val, tok []byte) error {
	switch string(key) {
	case "SRC":
		return d.addr(fSrc, "SRC", val, &d.pkt.Src)
	case "DST":
		return d.addr(fDst, "DST", val, &d.pkt.Dst)
	case "LEN":
		return d.num(fLen, "LEN", val, 65535+40, func(n uint64) { d.pkt.Len = uint32(n) })
	case "TOS":
		return d.hexEither(fTOS, "TOS", val, 0xff, func(n uint64) { d.pkt.TOS = uint8(n) })
	case "PREC":
		return d.hexPrefixed(fPrec, "PREC", val, 0xff, func(n uint64) { d.pkt.Prec = uint8(n) })
	case "TTL":
		return d.num(fTTL, "TTL", val, 255, func(n uint64) { d.pkt.TTL = uint8(n) })
	case "ID":
		return d.num(fID, "ID", val, 65535, func(n uint64) { d.pkt.ID = uint16(n) })
	case "TC":
		return d.num(fTC, "TC", val, 255, func(n uint64) { d.pkt.TOS = uint8(n) })
	case "HOPLIMIT":
		return d.num(fHopLimit, "HOPLIMIT", val, 255, func(n uint64) { d.pkt.TTL = uint8(n) })
	case "FLOWLBL":
		return d.num(fFlowLabel, "FLOWLBL", val, 0xfffff, func(n uint64) { d.pkt.FlowLabel = uint32(n) })
	case "PROTO":
		return d.proto(val, tok)
	case "SPI":
		return d.hexPrefixed(fSPI, "SPI", val, 0xffffffff, func(n uint64) { d.pkt.SPI = uint32(n); d.pkt.Fields |= sources.HasSPI })
	}
	return d.linkPair(key, val, tok)
}

// linkPair handles the link-layer fields the kernel writes before SRC.
func (d *decoder) linkPair(key, val, tok []byte) error {
	if d.inner {
		return fail(ReasonUnknown, string(key), tok)
	}
	switch string(key) {
	case "MAC":
		return d.mac(val, tok)
	case "MACSRC":
		return d.macAddr(fMACSrc, "MACSRC", val, &d.pkt.MAC.Src)
	case "MACDST":
		return d.macAddr(fMACDst, "MACDST", val, &d.pkt.MAC.Dst)
	case "MACPROTO":
		return d.hexBare(fMACProto, "MACPROTO", val, 0xffff, func(n uint64) { d.pkt.MAC.EtherType = uint16(n) })
	case "VPROTO":
		return d.hexEither(fVLANProto, "VPROTO", val, 0xffff, func(uint64) {})
	case "VID":
		return d.num(fVLANID, "VID", val, 4095, func(uint64) {})
	case "PHYSIN":
		return d.phys(fPhysIn, "PHYSIN", val, &d.pkt.PhysIn)
	case "PHYSOUT":
		return d.phys(fPhysOut, "PHYSOUT", val, &d.pkt.PhysOut)
	case "TUNNEL":
		return d.tunnel(val, tok)
	}
	return fail(ReasonUnknown, string(key), tok)
}

var protoWords = map[string]uint8{
	"TCP": sources.ProtoTCP, "UDP": sources.ProtoUDP, "UDPLITE": sources.ProtoUDPLite,
	"ICMP": sources.ProtoICMP, "ICMPv6": sources.ProtoICMPv6, "SCTP": sources.ProtoSCTP,
	"AH": sources.ProtoAH, "ESP": sources.ProtoESP, "GRE": sources.ProtoGRE,
}

func (d *decoder) proto(val, tok []byte) error {
	if err := d.mark(fProto, "PROTO", tok); err != nil {
		return err
	}
	n, ok := protoWords[string(val)]
	if !ok {
		v, isNum := decimal(val, 255)
		if !isNum {
			return fail(ReasonSyntax, "PROTO", tok)
		}
		n = uint8(v)
	}
	d.pkt.Proto, d.l4 = n, true
	return nil
}
