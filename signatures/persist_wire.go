package signatures

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"net/netip"
)

// wbuf appends the primitives of the state format: unsigned and zigzag
// varints, bytes, length-prefixed strings and addresses.
type wbuf struct {
	b       []byte
	version uint64 // the format version written (tests write older ones)
}

func (w *wbuf) uvarint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *wbuf) varint(v int64)   { w.b = binary.AppendVarint(w.b, v) }
func (w *wbuf) u8(v uint8)       { w.b = append(w.b, v) }

func (w *wbuf) str(s string) {
	w.uvarint(uint64(len(s)))
	w.b = append(w.b, s...)
}

// Address kinds on the wire.
const (
	addrNone = 0 // the invalid (zero) address
	addr4    = 4
	addr16   = 6 // IPv6, IPv4-mapped included
)

// addr writes a kind byte and the address bytes; a zone is not kept (the
// engine drops zones).
func (w *wbuf) addr(a netip.Addr) {
	switch {
	case !a.IsValid():
		w.u8(addrNone)
	case a.Is4():
		b := a.As4()
		w.u8(addr4)
		w.b = append(w.b, b[:]...)
	default:
		b := a.As16()
		w.u8(addr16)
		w.b = append(w.b, b[:]...)
	}
}

// protoList writes the protocols of a set, ascending.
func (w *wbuf) protoList(s *protoSet) {
	n := 0
	for _, word := range s {
		n += bits.OnesCount64(word)
	}
	w.uvarint(uint64(n))
	for i, word := range s {
		for ; word != 0; word &= word - 1 {
			w.u8(uint8(i*64 + bits.TrailingZeros64(word)))
		}
	}
}

// rbuf reads what wbuf writes. The first error sticks: later reads return
// zero values, so decoders check r.err once per record.
type rbuf struct {
	b       []byte
	off     int
	version uint64
	err     error
	scratch *portBitmap // see scratchBitmap

	srcSlab  slab[source]
	pairSlab slab[pair]
	recSlab  slab[scanRec]
	swSlab   slab[sweepRec]
}

func (r *rbuf) fail(format string, a ...any) {
	if r.err == nil {
		r.err = &StateError{Err: ErrStateCorrupt, Version: r.version, Offset: r.off, Detail: fmt.Sprintf(format, a...)}
	}
}

func (r *rbuf) left() int { return len(r.b) - r.off }

func (r *rbuf) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad unsigned varint")
		return 0
	}
	r.off += n
	return v
}

func (r *rbuf) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad varint")
		return 0
	}
	r.off += n
	return v
}

func (r *rbuf) u8() uint8 {
	if r.err != nil {
		return 0
	}
	if r.left() < 1 {
		r.fail("truncated")
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

// bounded reads an unsigned varint of at most hi.
func (r *rbuf) bounded(what string, hi uint64) uint64 {
	v := r.uvarint()
	if v > hi {
		r.fail("%s %d above %d", what, v, hi)
		return 0
	}
	return v
}

func (r *rbuf) u16() uint16 { return uint16(r.bounded("16-bit value", math.MaxUint16)) }
func (r *rbuf) u32() uint32 { return uint32(r.bounded("32-bit value", math.MaxUint32)) }

// level reads a danger level (0–MaxLevel).
func (r *rbuf) level() uint8 { return uint8(r.bounded("level", MaxLevel)) }

// flag reads a byte that must be 0 or 1.
func (r *rbuf) flag() bool { return r.bounded("flag", 1) == 1 }

// count reads a length of at most hi whose elements take at least one byte
// each, so a corrupt length cannot make the decoder allocate more than the
// blob's size.
func (r *rbuf) count(what string, hi int) int {
	n := r.bounded(what, uint64(hi))
	if n > uint64(r.left()) {
		r.fail("%s %d exceeds the %d bytes left", what, n, r.left())
		return 0
	}
	return int(n)
}

// maxStateString bounds the strings of the state (rule names, OS, tool).
const maxStateString = 1 << 12

func (r *rbuf) str() string {
	n := r.count("string length", maxStateString)
	if r.err != nil {
		return ""
	}
	s := string(r.b[r.off : r.off+n])
	r.off += n
	return s
}

func (r *rbuf) addr() netip.Addr {
	var size int
	switch kind := r.u8(); kind {
	case addrNone:
		return netip.Addr{}
	case addr4:
		size = 4
	case addr16:
		size = 16
	default:
		r.fail("address kind %d", kind)
	}
	if r.err != nil || r.left() < size {
		r.fail("truncated address")
		return netip.Addr{}
	}
	b := r.b[r.off : r.off+size]
	r.off += size
	if size == 4 {
		return netip.AddrFrom4([4]byte(b))
	}
	return netip.AddrFrom16([16]byte(b))
}

// protoList reads a set of IP protocols, strictly ascending, and returns
// it with its size.
func (r *rbuf) protoList() (protoSet, uint16) {
	var s protoSet
	n := r.count("protocols", 256)
	prev := -1
	for range n {
		p := int(r.u8())
		if p <= prev {
			r.fail("protocols not ascending")
		}
		if r.err != nil {
			return protoSet{}, 0
		}
		s.add(uint8(p))
		prev = p
	}
	return s, uint16(n)
}
