package logline

import (
	"github.com/ifw/ifw/sources"
)

var tcpFlagWords = map[string]sources.TCPFlags{
	"CWR": sources.CWR, "ECE": sources.ECE, "URG": sources.URG, "ACK": sources.ACK,
	"PSH": sources.PSH, "RST": sources.RST, "SYN": sources.SYN, "FIN": sources.FIN,
}

// word handles a token without "=".
func (d *decoder) word(tok []byte) error {
	pkt := d.pkt
	if d.l4 && pkt.Proto == sources.ProtoTCP {
		if string(tok) == "AE" { // accurate ECN: the reserved bit RES= no longer shows
			pkt.Res |= resAE
			return d.mark(fAE, "AE", tok)
		}
		if f, ok := tcpFlagWords[string(tok)]; ok {
			if err := d.mark(fFlagsBase<<flagBit(f), string(tok), tok); err != nil {
				return err
			}
			pkt.TCPFlags |= f
			return nil
		}
	}
	switch string(tok) {
	case "CE", "DF", "MF":
		return d.ipFlag(tok)
	case "OPT":
		return d.options()
	case "INCOMPLETE":
		return d.incomplete()
	case "TRUNCATED":
		pkt.Fields |= sources.Truncated
		return d.mark(fTruncated, "TRUNCATED", tok)
	case "(", ")", "AH", "ESP":
		if !d.l4 { // IPv6 extension headers: "OPT ( … )", "AH SPI=…"
			return nil
		}
	case "Unknown":
		return d.unknownExt()
	case "ARP":
		return d.arp(tok)
	}
	if len(tok) > 5 && string(tok[:5]) == "FRAG:" {
		return d.frag(tok)
	}
	if len(tok) > 3 && string(tok[:3]) == "ID:" && !d.l4 {
		return d.hexBare(fFragID, "ID", tok[3:], 0xffffffff, func(n uint64) { pkt.FragID = uint32(n); pkt.Fields |= sources.HasFragID })
	}
	return fail(ReasonUnknown, "word", tok)
}

func flagBit(f sources.TCPFlags) uint {
	n := uint(0)
	for f > 1 {
		f >>= 1
		n++
	}
	return n
}

func (d *decoder) ipFlag(tok []byte) error {
	if d.l4 {
		return fail(ReasonUnknown, "word", tok)
	}
	switch tok[0] {
	case 'C':
		d.pkt.IPFlags |= sources.FlagCE
		return d.mark(fCE, "CE", tok)
	case 'D':
		d.pkt.IPFlags |= sources.FlagDF
		return d.mark(fDF, "DF", tok)
	}
	d.pkt.IPFlags |= sources.FlagMF
	return d.mark(fMF, "MF", tok)
}

// frag reads "FRAG:N": IPv4's offset in 8-byte units, IPv6's in bytes.
func (d *decoder) frag(tok []byte) error {
	return d.num(fFrag, "FRAG", tok[5:], 65535, func(n uint64) { d.pkt.FragOff = uint16(n) })
}

// options reads "OPT (HEX)" (IP options before PROTO, TCP options after),
// "OPT (TRUNCATED)", or opens IPv6's "OPT ( … )" extension header list.
func (d *decoder) options() error {
	tok := d.t.word()
	if len(tok) == 1 && tok[0] == '(' && !d.l4 {
		return nil
	}
	if len(tok) < 2 || tok[0] != '(' || tok[len(tok)-1] != ')' {
		return fail(ReasonSyntax, "OPT", tok)
	}
	in := tok[1 : len(tok)-1]
	bit, opts := fIPOpt, &d.pkt.IPOptions
	if d.l4 {
		bit, opts = fTCPOpt, &d.pkt.TCPOptions
	}
	if err := d.mark(bit, "OPT", tok); err != nil {
		return err
	}
	if string(in) == "TRUNCATED" {
		d.pkt.Fields |= sources.Truncated
		return nil
	}
	var buf [40]byte
	n, ok := hexBytes(buf[:], in)
	if !ok {
		return fail(ReasonSyntax, "OPT", tok)
	}
	opts.Set(buf[:n])
	return nil
}

// incomplete reads "INCOMPLETE [N bytes]", or IPv6's bare INCOMPLETE (more
// fragments follow).
func (d *decoder) incomplete() error {
	next := d.t.peek()
	if len(next) < 2 || next[0] != '[' || next[1] < '0' || next[1] > '9' {
		if d.l4 || d.seen&fFrag == 0 {
			return fail(ReasonSyntax, "INCOMPLETE", next)
		}
		d.pkt.IPFlags |= sources.FlagMF
		return d.mark(fMF, "INCOMPLETE", next)
	}
	d.t.word()
	if unit := d.t.word(); string(unit) != "bytes]" {
		return fail(ReasonSyntax, "INCOMPLETE", unit)
	}
	return d.num(fIncomplete, "INCOMPLETE", next[1:], 0xffffffff, func(n uint64) {
		d.pkt.Incomplete = uint32(n)
		d.pkt.Fields |= sources.HasIncomplete
	})
}

// unknownExt reads IPv6's "Unknown Ext Hdr N", after which the kernel stops.
func (d *decoder) unknownExt() error {
	ext, hdr, num := d.t.word(), d.t.word(), d.t.word()
	if d.l4 || string(ext) != "Ext" || string(hdr) != "Hdr" {
		return fail(ReasonSyntax, "Unknown Ext Hdr", ext)
	}
	d.pkt.Fields |= sources.Truncated
	d.seen |= fTruncated
	return d.num(fProto, "Ext Hdr", num, 255, func(n uint64) { d.pkt.Proto = uint8(n); d.l4 = true })
}
