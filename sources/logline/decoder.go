package logline

import (
	"bytes"

	"github.com/ifw/ifw/sources"
)

// seen bits: one per field, so a repeated field is caught.
const (
	fSrc uint64 = 1 << iota
	fDst
	fLen
	fTOS
	fPrec
	fTTL
	fID
	fTC
	fHopLimit
	fFlowLabel
	fProto
	fMAC
	fPhysIn
	fPhysOut
	fMACSrc
	fMACDst
	fMACProto
	fVLANProto
	fVLANID
	fTunnel
	fCE
	fDF
	fMF
	fFrag
	fIPOpt
	fFragID
	fSPort
	fDPort
	fSeq
	fAck
	fWindow
	fRes
	fUrgp
	fTCPOpt
	fUDPLen
	fType
	fCode
	fEchoID
	fEchoSeq
	fMTU
	fParameter
	fGateway
	fSPI
	fUID
	fGID
	fMark
	fIncomplete
	fEmbedded
	fTruncated
	fAE
	fFlagsBase // 8 TCP flag bits follow
)

// linkFields are the fields of the link layer, which a line without an IP
// packet (ARP, another EtherType) has alone.
const linkFields = fMAC | fPhysIn | fPhysOut | fMACSrc | fMACDst | fMACProto | fVLANProto | fVLANID

// v4Only and v6Only are fields that give a line's family away.
const (
	v4Only = fTOS | fPrec | fTTL | fID | fCE | fDF
	v6Only = fTC | fHopLimit | fFlowLabel | fFragID
)

// decoder walks the tokens after "IN=… OUT=…" into one packet (the outer
// one, or an ICMP error's embedded one).
type decoder struct {
	p     *Parser
	pkt   *sources.Packet
	t     *tokens
	seen  uint64
	l4    bool // PROTO seen: later keys are transport fields
	inner bool
}

func (d *decoder) mark(bit uint64, field string, tok []byte) error {
	if d.seen&bit != 0 {
		return fail(ReasonDuplicate, field, tok)
	}
	d.seen |= bit
	return nil
}

// run decodes tokens until the end (outer) or "]" (inner), starting with
// first when it is not nil.
func (d *decoder) run(first []byte) error {
	tok, eq := first, indexEq(first)
	if tok == nil {
		tok, eq = d.t.next()
	}
	for ; tok != nil; tok, eq = d.t.next() {
		if d.inner && len(tok) == 1 && tok[0] == ']' {
			return nil
		}
		if err := d.token(tok, eq); err != nil {
			return err
		}
	}
	if d.inner {
		return fail(ReasonSyntax, "embedded", []byte("unterminated ["))
	}
	return nil
}

func indexEq(b []byte) int { return bytes.IndexByte(b, '=') }

func (d *decoder) token(tok []byte, eq int) error {
	if tok[0] == '[' {
		return d.embedded(tok)
	}
	if eq < 0 {
		return d.word(tok)
	}
	key, val := tok[:eq], tok[eq+1:]
	if d.l4 {
		return d.transportPair(key, val, tok)
	}
	return d.ipPair(key, val, tok)
}

// embedded decodes "[SRC=… DST=… … ]", the packet an ICMP error quotes.
func (d *decoder) embedded(tok []byte) error {
	isICMP := d.pkt.Proto == sources.ProtoICMP || d.pkt.Proto == sources.ProtoICMPv6
	if d.inner || !isICMP || d.seen&fType == 0 {
		return fail(ReasonSyntax, "embedded", tok)
	}
	if err := d.mark(fEmbedded, "embedded", tok); err != nil {
		return err
	}
	in := &d.p.inner
	*in = sources.Packet{}
	sub := decoder{p: d.p, pkt: in, t: d.t, inner: true}
	first := tok[1:]
	if len(first) == 0 {
		first = nil
	}
	if err := sub.run(first); err != nil {
		return err
	}
	if err := sub.finish(); err != nil {
		return err
	}
	d.pkt.Embedded = sources.Embedded{
		Src: in.Src, Dst: in.Dst, Proto: in.Proto, Len: in.Len, TTL: in.TTL, ID: in.ID,
		SrcPort: in.SrcPort, DstPort: in.DstPort, TCPFlags: in.TCPFlags,
		ICMPType: in.ICMPType, ICMPCode: in.ICMPCode,
	}
	d.pkt.Fields |= sources.HasEmbedded
	return nil
}

// finish checks what the whole packet must hold and sets what follows.
func (d *decoder) finish() error {
	pkt := d.pkt
	if d.nonIP() {
		return ErrNotIP
	}
	if d.seen&fSrc == 0 || d.seen&fDst == 0 {
		if d.seen&fTruncated != 0 && d.seen&(fSrc|fDst) == 0 {
			return fail(ReasonMissing, "SRC", []byte("TRUNCATED"))
		}
		return fail(ReasonMissing, "SRC/DST", nil)
	}
	if pkt.Src.Is4() != pkt.Dst.Is4() {
		return fail(ReasonFamily, "DST", nil)
	}
	pkt.Version = 6
	bad := v4Only
	if pkt.Src.Is4() {
		pkt.Version, bad = 4, v6Only
	}
	if d.seen&bad != 0 {
		return fail(ReasonFamily, "header", nil)
	}
	if d.seen&fProto == 0 && d.seen&fTruncated == 0 {
		return fail(ReasonMissing, "PROTO", nil)
	}
	if d.seen&(fSPort|fDPort) != 0 && d.seen&(fSPort|fDPort) != fSPort|fDPort {
		return fail(ReasonMissing, "SPT/DPT", nil)
	}
	if d.seen&fEmbedded != 0 && pkt.Embedded.Src.Is4() != pkt.Src.Is4() {
		return fail(ReasonFamily, "embedded", nil)
	}
	return nil
}

// nonIP reports whether the line logged a frame of a link-layer protocol
// other than IP: nothing but link fields, and an EtherType that says so.
func (d *decoder) nonIP() bool {
	if d.inner || d.seen&^linkFields != 0 {
		return false
	}
	known := d.seen&fMACProto != 0 || (d.seen&fMAC != 0 && d.pkt.Has(sources.HasMAC))
	et := d.pkt.MAC.EtherType
	return known && et != etherIPv4 && et != etherIPv6
}
