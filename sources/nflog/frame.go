package nflog

import (
	"encoding/binary"
	"net/netip"

	"github.com/ifw/ifw/sources"
)

// frame is the packet being decoded: the bytes NFLOG copied, and the length
// of the packet the kernel saw (its skb->len), which is longer when the
// group's copy range cut the copy.
type frame struct {
	b     []byte
	total int
	cut   bool // a header was lost to the copy range, not to a short packet
}

// has reports whether n bytes at off were copied. When they were not but the
// packet holds them, the copy range cut them: cut is set.
func (f *frame) has(off, n int) bool {
	if off >= 0 && off+n <= len(f.b) {
		return true
	}
	if off+n <= f.total {
		f.cut = true
	}
	return false
}

// header is has for a transport header, recording the kernel's
// "INCOMPLETE [N bytes]" (N = skb->len - off, unsigned as the kernel prints
// it) when the packet itself is too short to hold it.
func (f *frame) header(pkt *sources.Packet, off, n int) bool {
	if f.has(off, n) {
		return true
	}
	if !f.cut {
		pkt.Incomplete = uint32(f.total - off)
		pkt.Fields |= sources.HasIncomplete
	}
	return false
}

func (f *frame) u16(off int) uint16 { return binary.BigEndian.Uint16(f.b[off:]) }
func (f *frame) u32(off int) uint32 { return binary.BigEndian.Uint32(f.b[off:]) }

func (f *frame) addr4(off int) netip.Addr {
	return netip.AddrFrom4([4]byte(f.b[off : off+4]))
}

func (f *frame) addr16(off int) netip.Addr {
	return netip.AddrFrom16([16]byte(f.b[off : off+16]))
}
