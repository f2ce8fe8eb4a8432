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
	i := p.fastInterfaces(b, pkt)
	i = p.fastMAC(b, i, pkt)
	i = fastAddrs(b, i, pkt)
	if i < 0 {
		return false
	}
	if pkt.Src.Is4() {
		i = fastIPv4(b, i, pkt)
	} else {
		i = fastIPv6(b, i, pkt)
	}
	i = fastTransport(b, skip(b, i, &kPROTO), pkt)
	if !blank(b, fastOwner(b, i, pkt)) {
		return false
	}
	pkt.Chain = sources.ChainOf(pkt.In, pkt.Out)
	return true
}

func (p *Parser) fastInterfaces(b []byte, pkt *sources.Packet) int {
	i := skip(b, 0, &kIN)
	if i < 0 {
		return -1
	}
	in, i := field(b, i)
	out, i := value(b, skip(b, i, &kOUT))
	if i < 0 {
		return -1
	}
	var ok1, ok2 bool
	pkt.In, ok1 = p.names.get(slotIn, in)
	pkt.Out, ok2 = p.names.get(slotOut, out)
	return more(b, okAt(i, ok1 && ok2))
}

// fastMAC reads an optional Ethernet "MAC=" (14 bytes, or empty) in place.
// A line mostly repeats the last line's MAC= (the same host, the same
// router): that text is compared and its value reused.
func (p *Parser) fastMAC(b []byte, i int, pkt *sources.Packet) int {
	i, ok := opt(b, i, &kMAC)
	if !ok {
		return i
	}
	if i < len(b) && b[i] == ' ' {
		return more(b, i+1)
	}
	if len(b)-i <= macLen || b[i+macLen] != ' ' {
		return -1
	}
	s := b[i : i+macLen]
	c := &p.mac
	if !c.ok || string(s) != string(c.text[:]) {
		if c.ok = parseMAC(s, &c.m); !c.ok {
			return -1
		}
		copy(c.text[:], s)
	}
	pkt.MAC = c.m
	pkt.Fields |= sources.HasMAC
	return more(b, i+macLen+1)
}

// macLen is the length of an Ethernet MAC= value: 14 bytes in hex, with
// colons.
const macLen = 14*3 - 1

// macCache is the last MAC= text the fast path read, and its value.
type macCache struct {
	text [macLen]byte
	m    sources.MAC
	ok   bool
}

// parseMAC reads the 14 bytes of an Ethernet MAC= value.
func parseMAC(s []byte, m *sources.MAC) bool {
	if len(s) != macLen {
		return false
	}
	var raw [14]byte
	for k := range raw {
		hi, lo := hexValues[s[k*3]], hexValues[s[k*3+1]]
		if hi|lo == 0xff || (k < 13 && s[k*3+2] != ':') {
			return false
		}
		raw[k] = hi<<4 | lo
	}
	copy(m.Dst[:], raw[0:6])
	copy(m.Src[:], raw[6:12])
	m.EtherType = uint16(raw[12])<<8 | uint16(raw[13])
	return true
}

// fastAddrs reads "SRC= DST=", two addresses of one family.
func fastAddrs(b []byte, i int, pkt *sources.Packet) int {
	pkt.Src, i = addrAt(b, skip(b, i, &kSRC))
	pkt.Dst, i = addrAt(b, skip(b, i, &kDST))
	if i < 0 || pkt.Src.Is4() != pkt.Dst.Is4() {
		return -1
	}
	return i
}

// fastIPv4 reads "LEN= TOS= PREC= TTL= ID= [CE] [DF] [MF] [OPT (HEX)]"
// (TOS in the kernel's 0x%02X or ulogd2's %02X; the IP options of
// --log-ip-options, psad's long line).
func fastIPv4(b []byte, i int, pkt *sources.Packet) int {
	pkt.Version = 4
	n, i := keyNum(b, i, &kLEN, 65535+40)
	tos, i := keyAnyHex(b, i, &kTOS, 0xff)
	prec, i := keyHex(b, i, &kPREC, 0xff)
	ttl, i := keyNum(b, i, &kTTL, 255)
	id, i := keyNum(b, i, &kID, 65535)
	if i < 0 {
		return -1
	}
	pkt.Len, pkt.TOS, pkt.Prec, pkt.TTL, pkt.ID = uint32(n), uint8(tos), uint8(prec), uint8(ttl), uint16(id)
	i, ce := opt(b, i, &kCE)
	i, df := opt(b, i, &kDF)
	i, mf := opt(b, i, &kMF)
	if ce {
		pkt.IPFlags |= sources.FlagCE
	}
	if df {
		pkt.IPFlags |= sources.FlagDF
	}
	if mf {
		pkt.IPFlags |= sources.FlagMF
	}
	return fastOptions(b, i, &pkt.IPOptions)
}

// fastIPv6 reads "LEN= TC= HOPLIMIT= FLOWLBL=".
func fastIPv6(b []byte, i int, pkt *sources.Packet) int {
	pkt.Version = 6
	n, i := keyNum(b, i, &kLEN, 65535+40)
	tc, i := keyNum(b, i, &kTC, 255)
	hop, i := keyNum(b, i, &kHOPLIMIT, 255)
	flow, i := keyNum(b, i, &kFLOWLBL, 0xfffff)
	pkt.Len, pkt.TOS, pkt.TTL, pkt.FlowLabel = uint32(n), uint8(tc), uint8(hop), uint32(flow)
	return i
}
