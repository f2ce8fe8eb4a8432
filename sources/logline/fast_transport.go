package logline

import (
	"github.com/ifw/ifw/sources"
)

// fastTransport reads the value of PROTO= and the header after it.
func fastTransport(c *cursor, pkt *sources.Packet) bool {
	switch {
	case c.lit("TCP "):
		pkt.Proto = sources.ProtoTCP
		return fastPorts(c, pkt) && fastTCP(c, pkt)
	case c.lit("UDP "):
		pkt.Proto = sources.ProtoUDP
		return fastPorts(c, pkt) && fastUDPLen(c, pkt)
	case c.lit("UDPLITE "):
		pkt.Proto = sources.ProtoUDPLite
		return fastPorts(c, pkt) && fastUDPLen(c, pkt)
	case pkt.Version == 4 && c.lit("ICMP "):
		pkt.Proto = sources.ProtoICMP
		return fastICMP(c, pkt, 8, 0)
	case pkt.Version == 6 && c.lit("ICMPv6 "):
		pkt.Proto = sources.ProtoICMPv6
		return fastICMP(c, pkt, 128, 129)
	}
	return false
}

func fastPorts(c *cursor, pkt *sources.Packet) bool {
	if !c.lit("SPT=") {
		return false
	}
	s, ok1 := c.num(65535)
	d, ok2 := c.keyNum("DPT=", 65535)
	pkt.SrcPort, pkt.DstPort = uint16(s), uint16(d)
	pkt.Fields |= sources.HasPorts
	return ok1 && ok2
}

func fastUDPLen(c *cursor, pkt *sources.Packet) bool {
	if !c.lit("LEN=") {
		return false
	}
	n, ok := c.num(65535)
	pkt.UDPLen = uint16(n)
	pkt.Fields |= sources.HasUDPLen
	return ok
}

// fastFlags reads the flag words, which the kernel writes in a fixed order.
func fastFlags(c *cursor, pkt *sources.Packet) {
	prev := sources.TCPFlags(0xff)
	for len(c.b)-c.i >= 4 {
		b := c.b[c.i:]
		f := flagWord(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)
		if f == 0 || f >= prev {
			return
		}
		pkt.TCPFlags |= f
		prev = f
		c.i += 4
	}
}

// fastTCP reads "[SEQ= ACK=] WINDOW= [RES=] [AE] FLAGS… URGP= [OPT (hex)]"
// (ulogd2 writes no RES=; kernels with accurate ECN write AE).
func fastTCP(c *cursor, pkt *sources.Packet) bool {
	if c.lit("SEQ=") {
		seq, ok1 := c.num(0xffffffff)
		ack, ok2 := c.keyNum("ACK=", 0xffffffff)
		if !ok1 || !ok2 {
			return false
		}
		pkt.Seq, pkt.Ack = uint32(seq), uint32(ack)
		pkt.Fields |= sources.HasSeq
	}
	if !c.lit("WINDOW=") {
		return false
	}
	win, ok := c.num(65535)
	if !ok {
		return false
	}
	if c.lit("RES=") {
		res, ok := c.hex(0xff)
		if !ok {
			return false
		}
		pkt.Res = uint8(res)
	}
	pkt.Window = uint16(win)
	pkt.Fields |= sources.HasTCP
	if c.lit("AE ") {
		pkt.Res |= resAE
	}
	fastFlags(c, pkt)
	if !c.lit("URGP=") {
		return false
	}
	urgp, ok := c.num(65535)
	pkt.Urgp = uint16(urgp)
	return ok && fastOptions(c, &pkt.TCPOptions)
}

// fastOptions reads an optional "OPT (HEX)" into opts: the TCP options
// after URGP=, the IP options (--log-ip-options) before PROTO=.
func fastOptions(c *cursor, opts *sources.Options) bool {
	if !c.lit("OPT (") {
		return true
	}
	v := c.value()
	if len(v) < 1 || v[len(v)-1] != ')' {
		return false
	}
	var buf [40]byte
	n, ok := hexBytes(buf[:], v[:len(v)-1])
	if !ok || n == 0 {
		return false
	}
	opts.Set(buf[:n])
	return true
}

// fastICMP reads "TYPE= CODE= [ID= SEQ=]" for any type whose header the
// kernel logs no further (echo types carry ID and SEQ); error types, with
// their embedded packet, go to the general decoder.
func fastICMP(c *cursor, pkt *sources.Packet, echo, reply uint8) bool {
	if !c.lit("TYPE=") {
		return false
	}
	t, ok1 := c.num(255)
	code, ok2 := c.keyNum("CODE=", 255)
	pkt.ICMPType, pkt.ICMPCode = uint8(t), uint8(code)
	pkt.Fields |= sources.HasICMP
	if !ok1 || !ok2 {
		return false
	}
	if uint8(t) != echo && uint8(t) != reply {
		return c.end()
	}
	if !c.lit("ID=") {
		return false
	}
	id, ok1 := c.num(65535)
	seq, ok2 := c.keyNum("SEQ=", 65535)
	pkt.ICMPID, pkt.ICMPSeq = uint16(id), uint16(seq)
	pkt.Fields |= sources.HasICMPEcho
	return ok1 && ok2
}

// fastOwner reads the optional "UID= GID=" and "MARK=" (0x%x, or ulogd2's
// %x) that end a line.
func fastOwner(c *cursor, pkt *sources.Packet) bool {
	if c.lit("UID=") {
		uid, ok1 := c.num(0xffffffff)
		gid, ok2 := c.keyNum("GID=", 0xffffffff)
		if !ok1 || !ok2 {
			return false
		}
		pkt.UID, pkt.GID = uint32(uid), uint32(gid)
		pkt.Fields |= sources.HasUID
	}
	if c.lit("MARK=") {
		m, ok := c.anyHex(0xffffffff)
		pkt.Mark = uint32(m)
		pkt.Fields |= sources.HasMark
		return ok
	}
	return true
}

// flagWord returns the TCP flag a four-byte word names, or 0.
func flagWord(w uint32) sources.TCPFlags {
	const (
		cwr = 'C' | 'W'<<8 | 'R'<<16 | ' '<<24
		ece = 'E' | 'C'<<8 | 'E'<<16 | ' '<<24
		urg = 'U' | 'R'<<8 | 'G'<<16 | ' '<<24
		ack = 'A' | 'C'<<8 | 'K'<<16 | ' '<<24
		psh = 'P' | 'S'<<8 | 'H'<<16 | ' '<<24
		rst = 'R' | 'S'<<8 | 'T'<<16 | ' '<<24
		syn = 'S' | 'Y'<<8 | 'N'<<16 | ' '<<24
		fin = 'F' | 'I'<<8 | 'N'<<16 | ' '<<24
	)
	switch w {
	case cwr:
		return sources.CWR
	case ece:
		return sources.ECE
	case urg:
		return sources.URG
	case ack:
		return sources.ACK
	case psh:
		return sources.PSH
	case rst:
		return sources.RST
	case syn:
		return sources.SYN
	case fin:
		return sources.FIN
	}
	return 0
}
