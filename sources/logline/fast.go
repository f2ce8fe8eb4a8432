package logline

import (
	"github.com/ifw/ifw/sources"
)

// fastBody parses the body of a line written exactly as the kernel writes
// its common packets: fields in the kernel's order, single spaces, IPv4 or
// IPv6 with TCP, UDP, UDPLITE or an ICMP/ICMPv6 echo-style header. Each byte
// is read about once. At the first deviation it returns false, and the
// general decoder parses the line again from scratch; FuzzFastPath holds the
// two to the same result.
func (p *Parser) fastBody(b []byte, pkt *sources.Packet) bool {
	if p.noFast {
		return false
	}
	c := cursor{b: b}
	if !p.fastInterfaces(&c, pkt) || !fastMAC(&c, pkt) || !c.lit("SRC=") {
		return false
	}
	var ok1, ok2 bool
	pkt.Src, ok1 = c.addr()
	if !ok1 || !c.lit("DST=") {
		return false
	}
	pkt.Dst, ok2 = c.addr()
	if !ok2 || pkt.Src.Is4() != pkt.Dst.Is4() {
		return false
	}
	ok := false
	if pkt.Src.Is4() {
		ok = fastIPv4(&c, pkt)
	} else {
		ok = fastIPv6(&c, pkt)
	}
	if !ok || !c.lit("PROTO=") {
		return false
	}
	if !fastTransport(&c, pkt) || !fastOwner(&c, pkt) || !c.end() {
		return false
	}
	pkt.Chain = sources.ChainOf(pkt.In, pkt.Out)
	return true
}

func (p *Parser) fastInterfaces(c *cursor, pkt *sources.Packet) bool {
	if !c.lit("IN=") {
		return false
	}
	in := c.field()
	if !c.lit(" OUT=") {
		return false
	}
	out := c.value()
	var ok1, ok2 bool
	pkt.In, ok1 = p.names.get(slotIn, in)
	pkt.Out, ok2 = p.names.get(slotOut, out)
	return ok1 && ok2 && c.more()
}

// fastMAC reads an optional Ethernet "MAC=" (14 bytes, or empty) in place.
func fastMAC(c *cursor, pkt *sources.Packet) bool {
	if !c.lit("MAC=") {
		return true
	}
	if c.lit(" ") {
		return c.more()
	}
	const n = 14*3 - 1
	b := c.b[c.i:]
	if len(b) <= n || b[n] != ' ' {
		return false
	}
	var raw [14]byte
	for i := range raw {
		hi, lo := hexValues[b[i*3]], hexValues[b[i*3+1]]
		if hi|lo == 0xff || (i < 13 && b[i*3+2] != ':') {
			return false
		}
		raw[i] = hi<<4 | lo
	}
	c.i += n + 1
	m := &pkt.MAC
	copy(m.Dst[:], raw[0:6])
	copy(m.Src[:], raw[6:12])
	m.EtherType = uint16(raw[12])<<8 | uint16(raw[13])
	pkt.Fields |= sources.HasMAC
	return c.more()
}

// fastIPv4 reads "LEN= TOS= PREC= TTL= ID= [CE] [DF] [MF] [OPT (HEX)]"
// (TOS in the kernel's 0x%02X or ulogd2's %02X; the IP options of
// --log-ip-options, psad's long line).
func fastIPv4(c *cursor, pkt *sources.Packet) bool {
	pkt.Version = 4
	if !c.lit("LEN=") {
		return false
	}
	n, ok := c.num(65535 + 40)
	pkt.Len = uint32(n)
	if !ok || !c.lit("TOS=") {
		return false
	}
	tos, ok1 := c.anyHex(0xff)
	prec, ok2 := c.keyHex("PREC=", 0xff)
	if !ok1 || !ok2 || !c.lit("TTL=") {
		return false
	}
	pkt.TOS, pkt.Prec = uint8(tos), uint8(prec)
	ttl, ok1 := c.num(255)
	id, ok2 := c.keyNum("ID=", 65535)
	pkt.TTL, pkt.ID = uint8(ttl), uint16(id)
	if c.lit("CE ") {
		pkt.IPFlags |= sources.FlagCE
	}
	if c.lit("DF ") {
		pkt.IPFlags |= sources.FlagDF
	}
	if c.lit("MF ") {
		pkt.IPFlags |= sources.FlagMF
	}
	return ok1 && ok2 && fastOptions(c, &pkt.IPOptions)
}

// fastIPv6 reads "LEN= TC= HOPLIMIT= FLOWLBL=".
func fastIPv6(c *cursor, pkt *sources.Packet) bool {
	pkt.Version = 6
	if !c.lit("LEN=") {
		return false
	}
	n, ok := c.num(65535 + 40)
	if !ok || !c.lit("TC=") {
		return false
	}
	tc, ok1 := c.num(255)
	hop, ok2 := c.keyNum("HOPLIMIT=", 255)
	flow, ok3 := c.keyNum("FLOWLBL=", 0xfffff)
	pkt.Len, pkt.TOS, pkt.TTL, pkt.FlowLabel = uint32(n), uint8(tc), uint8(hop), uint32(flow)
	return ok1 && ok2 && ok3
}
