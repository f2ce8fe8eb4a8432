package logline

import (
	"github.com/ifw/ifw/sources"
)

// fastTransport reads the value of PROTO= and the header after it.
func fastTransport(b []byte, i int, pkt *sources.Packet) int {
	if i < 0 || i >= len(b) {
		return -1
	}
	switch b[i] {
	case 'T':
		pkt.Proto = sources.ProtoTCP
		return fastTCP(b, fastPorts(b, skip(b, i, &kTCP), pkt), pkt)
	case 'U':
		if j := skip(b, i, &kUDP); j >= 0 {
			pkt.Proto = sources.ProtoUDP
			return fastUDPLen(b, fastPorts(b, j, pkt), pkt)
		}
		pkt.Proto = sources.ProtoUDPLite
		return fastUDPLen(b, fastPorts(b, skip(b, i, &kUDPLITE), pkt), pkt)
	case 'I':
		if pkt.Version == 4 {
			pkt.Proto = sources.ProtoICMP
			return fastICMP(b, skip(b, i, &kICMP), pkt, 8, 0)
		}
		pkt.Proto = sources.ProtoICMPv6
		return fastICMP(b, skip(b, i, &kICMPv6), pkt, 128, 129)
	}
	return -1
}

func fastPorts(b []byte, i int, pkt *sources.Packet) int {
	s, i := keyNum(b, i, &kSPT, 65535)
	d, i := keyNum(b, i, &kDPT, 65535)
	pkt.SrcPort, pkt.DstPort = uint16(s), uint16(d)
	pkt.Fields |= sources.HasPorts
	return i
}

func fastUDPLen(b []byte, i int, pkt *sources.Packet) int {
	n, i := keyNum(b, i, &kLEN, 65535)
	pkt.UDPLen = uint16(n)
	pkt.Fields |= sources.HasUDPLen
	return i
}

// fastFlags reads the flag words, which the kernel writes in a fixed order.
func fastFlags(b []byte, i int, pkt *sources.Packet) int {
	prev := sources.TCPFlags(0xff)
	for i >= 0 && len(b)-i >= 4 {
		w := b[i : i+4]
		f := flagWord(uint32(w[0]) | uint32(w[1])<<8 | uint32(w[2])<<16 | uint32(w[3])<<24)
		if f == 0 || f >= prev {
			break
		}
		pkt.TCPFlags |= f
		prev = f
		i += 4
	}
	return i
}

// fastTCP reads "[SEQ= ACK=] WINDOW= [RES=] [AE] FLAGS… URGP= [OPT (hex)]"
// (ulogd2 writes no RES=; kernels with accurate ECN write AE).
func fastTCP(b []byte, i int, pkt *sources.Packet) int {
	if j, ok := opt(b, i, &kSEQ); ok {
		seq, j := num(b, j, 0xffffffff)
		ack, j := keyNum(b, j, &kACK, 0xffffffff)
		pkt.Seq, pkt.Ack = uint32(seq), uint32(ack)
		pkt.Fields |= sources.HasSeq
		i = j
	}
	win, i := keyNum(b, i, &kWINDOW, 65535)
	if j, ok := opt(b, i, &kRES); ok {
		res, j := value(b, j)
		n, ok := prefixedHex(res, 0xff)
		pkt.Res, i = uint8(n), okAt(j, ok)
	}
	pkt.Window = uint16(win)
	pkt.Fields |= sources.HasTCP
	i, ae := opt(b, i, &kAE)
	if ae {
		pkt.Res |= resAE
	}
	urgp, i := keyNum(b, fastFlags(b, i, pkt), &kURGP, 65535)
	pkt.Urgp = uint16(urgp)
	return fastOptions(b, i, &pkt.TCPOptions)
}

// fastOptions reads an optional "OPT (HEX)" into opts: the TCP options
// after URGP=, the IP options (--log-ip-options) before PROTO=.
func fastOptions(b []byte, i int, opts *sources.Options) int {
	i, ok := opt(b, i, &kOPT)
	if !ok {
		return i
	}
	v, i := value(b, i)
	if len(v) < 1 || v[len(v)-1] != ')' {
		return -1
	}
	var buf [40]byte
	n, ok := hexBytes(buf[:], v[:len(v)-1])
	if !ok || n == 0 {
		return -1
	}
	opts.Set(buf[:n])
	return i
}

// fastICMP reads "TYPE= CODE= [ID= SEQ=]" for any type whose header the
// kernel logs no further (echo types carry ID and SEQ); error types, with
// their embedded packet, go to the general decoder.
func fastICMP(b []byte, i int, pkt *sources.Packet, echo, reply uint8) int {
	t, i := keyNum(b, i, &kTYPE, 255)
	code, i := keyNum(b, i, &kCODE, 255)
	pkt.ICMPType, pkt.ICMPCode = uint8(t), uint8(code)
	pkt.Fields |= sources.HasICMP
	if i < 0 {
		return -1
	}
	if uint8(t) != echo && uint8(t) != reply {
		return okAt(len(b), blank(b, i))
	}
	id, i := keyNum(b, i, &kID, 65535)
	seq, i := keyNum(b, i, &kSEQ, 65535)
	pkt.ICMPID, pkt.ICMPSeq = uint16(id), uint16(seq)
	pkt.Fields |= sources.HasICMPEcho
	return i
}

// fastOwner reads the optional "UID= GID=" and "MARK=" (0x%x, or ulogd2's
// %x) that end a line.
func fastOwner(b []byte, i int, pkt *sources.Packet) int {
	if j, ok := opt(b, i, &kUID); ok {
		uid, j := num(b, j, 0xffffffff)
		gid, j := keyNum(b, j, &kGID, 0xffffffff)
		pkt.UID, pkt.GID = uint32(uid), uint32(gid)
		pkt.Fields |= sources.HasUID
		i = j
	}
	if j, ok := opt(b, i, &kMARK); ok {
		v, j := value(b, j)
		m, ok := anyHex(v, 0xffffffff)
		pkt.Mark = uint32(m)
		pkt.Fields |= sources.HasMark
		i = okAt(j, ok)
	}
	return i
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
