package signatures

// slabChunk is how many elements a slab allocates at once.
const slabChunk = 512

// slab hands out small slices carved from shared chunks, so restoring
// 100 000 sources does not take one allocation per source, pair and scan
// record. Each slice is capped at its length: appending to it copies,
// never spills into a neighbour.
type slab[T any] struct{ chunk []T }

// take returns n zero elements.
func (s *slab[T]) take(n int) []T {
	if n > slabChunk/8 {
		return make([]T, n)
	}
	if len(s.chunk) < n {
		s.chunk = make([]T, slabChunk)
	}
	out := s.chunk[:n:n]
	s.chunk = s.chunk[n:]
	return out
}

// one returns a pointer to a zero element.
func (s *slab[T]) one() *T { return &s.take(1)[0] }
