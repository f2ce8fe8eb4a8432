package signatures

import (
	"encoding/binary"
	"math/bits"
)

// Port set kinds on the wire (low bits of the first byte); setFull marks a
// list that needed a bitmap and got none.
const (
	setInline = 0 // n values in insertion order
	setList   = 1 // a sorted list, delta-coded
	setSparse = 2 // a bitmap with few ports: its ports, delta-coded
	setDense  = 3 // a bitmap with many ports: its 8 KiB as they are
	setKind   = 3
	setFull   = 4

	denseFrom   = 4096 // ports from which a bitmap is written dense
	bitmapBytes = len(portBitmap{}) * 8
)

func (w *wbuf) portSet(s *portSet) {
	switch {
	case s.bits != nil && s.n >= denseFrom:
		w.u8(setDense)
		for _, word := range s.bits {
			w.b = binary.LittleEndian.AppendUint64(w.b, word)
		}
	case s.bits != nil:
		w.u8(setSparse)
		w.uvarint(uint64(s.n))
		prev := -1
		for i, word := range s.bits {
			for ; word != 0; word &= word - 1 {
				p := i*64 + bits.TrailingZeros64(word)
				w.uvarint(uint64(p - prev))
				prev = p
			}
		}
	case len(s.list) > 0:
		kind := uint8(setList)
		if s.full {
			kind |= setFull
		}
		w.u8(kind)
		w.uvarint(uint64(s.n))
		w.ports(s.list)
	default:
		w.u8(setInline)
		w.uvarint(uint64(s.n))
		for _, v := range s.inl[:s.n] {
			w.uvarint(uint64(v))
		}
	}
}

// ports writes a strictly ascending list: its length, then deltas.
func (w *wbuf) ports(list []uint16) {
	w.uvarint(uint64(len(list)))
	prev := -1
	for _, p := range list {
		w.uvarint(uint64(int(p) - prev))
		prev = int(p)
	}
}

// readPorts reads what ports writes, n values (n already bounded).
func (r *rbuf) readPorts(n int, into []uint16) []uint16 {
	prev := -1
	for range n {
		d := r.uvarint()
		if d == 0 || d > 65536 || prev+int(d) > 65535 {
			r.fail("port delta %d after %d", d, prev)
		}
		if r.err != nil {
			return into
		}
		prev += int(d)
		into = append(into, uint16(prev))
	}
	return into
}

// portSet reads a port set into s (empty), taking bitmaps from bp. A set
// that had a bitmap gets one from bp; when bp has none left (a smaller
// Config.MaxPortBitmaps), it keeps its lowest listPorts ports, is marked
// full and still reports its exact count.
func (r *rbuf) portSet(s *portSet, bp *bitmapPool) {
	head := r.u8()
	if head&^(setKind|setFull) != 0 || head&setFull != 0 && head&setKind != setList {
		r.fail("port set kind %#x", head)
		return
	}
	switch head & setKind {
	case setInline:
		s.n = uint32(r.bounded("inline ports", inlinePorts))
		for i := range s.n {
			s.inl[i] = r.u16()
		}
	case setList:
		r.portList(s, head&setFull != 0)
	case setSparse:
		r.setBitmap(s, r.sparseBitmap(), bp)
	case setDense:
		r.setBitmap(s, r.denseBitmap(), bp)
	}
}

func (r *rbuf) portList(s *portSet, full bool) {
	n := r.bounded("list set size", 65536)
	ln := r.count("list ports", listPorts)
	if ln == 0 || full && ln != listPorts || !full && n != uint64(ln) || n < uint64(ln) {
		r.fail("list of %d ports counting %d (full %v)", ln, n, full)
		return
	}
	s.list = r.readPorts(ln, make([]uint16, 0, ln))
	s.n, s.full = uint32(n), full
}

// scratchBitmap is the decoder's bitmap, empty between port sets.
func (r *rbuf) scratchBitmap() *portBitmap {
	if r.scratch == nil {
		r.scratch = new(portBitmap)
	}
	return r.scratch
}

// sparseBitmap reads delta-coded ports into the scratch bitmap.
func (r *rbuf) sparseBitmap() int {
	n := r.bounded("bitmap ports", denseFrom-1)
	if n <= listPorts {
		r.fail("sparse bitmap of %d ports", n)
		return 0
	}
	b, prev := r.scratchBitmap(), -1
	for range n {
		d := r.uvarint()
		if d == 0 || d > 65536 || prev+int(d) > 65535 {
			r.fail("port delta %d after %d", d, prev)
			return 0
		}
		prev += int(d)
		b[prev>>6] |= 1 << (prev & 63)
	}
	return int(n)
}

// denseBitmap reads 8 KiB into the scratch bitmap.
func (r *rbuf) denseBitmap() int {
	if r.err != nil || r.left() < bitmapBytes {
		r.fail("truncated bitmap")
		return 0
	}
	b, n := r.scratchBitmap(), 0
	for i := range b {
		b[i] = binary.LittleEndian.Uint64(r.b[r.off+8*i:])
		n += bits.OnesCount64(b[i])
	}
	r.off += bitmapBytes
	if n < denseFrom {
		r.fail("dense bitmap of %d ports", n)
	}
	return n
}

// setBitmap makes s the n ports of the scratch bitmap, in a bitmap from bp
// or, when bp has none left, as a full list of the lowest ports; the
// scratch bitmap is emptied.
func (r *rbuf) setBitmap(s *portSet, n int, bp *bitmapPool) {
	if r.scratch == nil {
		return
	}
	scratch := r.scratch
	defer func() { *scratch = portBitmap{} }()
	if r.err != nil {
		return
	}
	s.n = uint32(n)
	if b := bp.get(); b != nil {
		*b = *scratch
		s.bits = b
		return
	}
	bp.saturated++
	s.list, s.full = make([]uint16, 0, listPorts), true
	for i, word := range scratch {
		for ; word != 0 && len(s.list) < listPorts; word &= word - 1 {
			s.list = append(s.list, uint16(i*64+bits.TrailingZeros64(word)))
		}
	}
}
