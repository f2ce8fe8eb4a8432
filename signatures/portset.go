package signatures

import "slices"

const (
	inlinePorts = 4  // ports kept inside the set itself
	listPorts   = 64 // ports kept in a sorted slice before a bitmap
)

// portBitmap has one bit per port: 8 KiB.
type portBitmap [65536 / 64]uint64

// bitmapPool hands out at most max bitmaps and recycles released ones.
type bitmapPool struct {
	max, inUse int
	free       []*portBitmap
	saturated  uint64 // sets that needed a bitmap when none was left
	handed     uint64 // bitmaps handed out so far
}

func (bp *bitmapPool) get() *portBitmap {
	if n := len(bp.free); n > 0 {
		b := bp.free[n-1]
		bp.free = bp.free[:n-1]
		*b = portBitmap{}
		bp.inUse++
		bp.handed++
		return b
	}
	if bp.inUse >= bp.max {
		return nil
	}
	bp.inUse++
	bp.handed++
	return new(portBitmap)
}

func (bp *bitmapPool) put(b *portBitmap) {
	bp.inUse--
	bp.free = append(bp.free, b)
}

// portSet counts distinct 16-bit values exactly: up to inlinePorts inline,
// up to listPorts in a sorted slice, then in a bitmap from the pool. It
// also serves for ICMP types and IP protocol numbers.
type portSet struct {
	n    uint32 // distinct values
	inl  [inlinePorts]uint16
	list []uint16
	bits *portBitmap
	full bool // needed a bitmap and got none: n is a lower bound
}

// add records v and reports whether it was new.
func (s *portSet) add(v uint16, bp *bitmapPool) bool {
	switch {
	case s.bits != nil:
		w, m := v>>6, uint64(1)<<(v&63)
		if s.bits[w]&m != 0 {
			return false
		}
		s.bits[w] |= m
	case len(s.list) == 0:
		return s.addInline(v, bp)
	default:
		return s.addList(v, bp)
	}
	s.n++
	return true
}

func (s *portSet) addInline(v uint16, bp *bitmapPool) bool {
	if slices.Contains(s.inl[:s.n], v) {
		return false
	}
	if s.n < inlinePorts {
		s.inl[s.n] = v
		s.n++
		return true
	}
	s.list = append(s.list[:0], s.inl[:]...)
	slices.Sort(s.list) // inline values are in arrival order; the list is searched
	return s.addList(v, bp)
}

func (s *portSet) addList(v uint16, bp *bitmapPool) bool {
	i, found := slices.BinarySearch(s.list, v)
	if found || s.full {
		return false
	}
	if len(s.list) < listPorts {
		s.list = slices.Insert(s.list, i, v)
		s.n++
		return true
	}
	b := bp.get()
	if b == nil {
		s.full = true
		bp.saturated++
		return false
	}
	for _, p := range s.list {
		b[p>>6] |= 1 << (p & 63)
	}
	s.bits, s.list = b, nil
	return s.add(v, bp)
}

// count is the number of distinct values.
func (s *portSet) count() int { return int(s.n) }

// release returns the bitmap to the pool and empties s, keeping a small
// list's backing array for reuse.
func (s *portSet) release(bp *bitmapPool) {
	if s.bits != nil {
		bp.put(s.bits)
	}
	list := s.list[:0]
	if cap(list) > listPorts {
		list = nil
	}
	*s = portSet{list: list}
}
