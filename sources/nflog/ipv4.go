package nflog

import (
	"github.com/ifw/ifw/sources"
)

// IPv4 header bits, as the kernel's nf_log masks them.
const (
	tosMask  = 0x1e // IPTOS_TOS_MASK
	precMask = 0xe0 // IPTOS_PREC_MASK

	ipCE     = 0x8000 // the reserved flag, logged as CE
	ipDF     = 0x4000
	ipMF     = 0x2000
	ipOffset = 0x1fff
)

// decodeIPv4 decodes the IPv4 header at off and what follows, the way the
// kernel's dump_ipv4_packet walks it. The caller has checked that 20 bytes
// are there. inner is the packet an ICMP error quotes: the kernel trusts
// its header length as it is and does not look for a packet inside it.
func decodeIPv4(f *frame, off int, pkt *sources.Packet, inner bool) {
	b := f.b[off:]
	pkt.Version = 4
	pkt.Src, pkt.Dst = f.addr4(off+12), f.addr4(off+16)
	pkt.Len = uint32(f.u16(off + 2))
	pkt.TOS, pkt.Prec = b[1]&tosMask, b[1]&precMask
	pkt.TTL = b[8]
	pkt.ID = f.u16(off + 4)
	fragOff := f.u16(off + 6)
	pkt.IPFlags = ipv4Flags(fragOff)
	pkt.FragOff = fragOff & ipOffset

	hlen := int(b[0]&0x0f) * 4
	if hlen > ipv4HeaderLen {
		if !f.has(off+ipv4HeaderLen, hlen-ipv4HeaderLen) {
			pkt.Fields |= sources.Truncated // kernel: "TRUNCATED", no PROTO
			return
		}
		pkt.IPOptions.Set(f.b[off+ipv4HeaderLen : off+hlen])
	}
	pkt.Proto = b[9]
	fragment := pkt.FragOff != 0
	at := off + hlen
	switch pkt.Proto {
	case sources.ProtoICMP:
		decodeICMP(f, at, fragment, pkt, inner)
	case sources.ProtoAH:
		decodeSPI(f, at, fragment, ahHeaderLen, ahSPI, pkt)
	case sources.ProtoESP:
		decodeSPI(f, at, fragment, espHeaderLen, espSPI, pkt)
	default:
		decodeTransport(f, at, fragment, pkt)
	}
}

func ipv4Flags(fragOff uint16) sources.IPFlags {
	var fl sources.IPFlags
	if fragOff&ipCE != 0 {
		fl |= sources.FlagCE
	}
	if fragOff&ipDF != 0 {
		fl |= sources.FlagDF
	}
	if fragOff&ipMF != 0 {
		fl |= sources.FlagMF
	}
	return fl
}

// AH and ESP header sizes as the kernel reads them, and where their SPI is.
const (
	ahHeaderLen  = 12
	ahSPI        = 4
	espHeaderLen = 8
	espSPI       = 0
)

// decodeSPI reads the SPI at spi of an AH or ESP header of size bytes that
// is not in a non-first fragment.
func decodeSPI(f *frame, at int, fragment bool, size, spi int, pkt *sources.Packet) {
	if fragment || !f.header(pkt, at, size) {
		return
	}
	pkt.SPI = f.u32(at + spi)
	pkt.Fields |= sources.HasSPI
}
