package signatures

import (
	"slices"
	"testing"
)

// TestPortSetCountsDistinct: a set counts each value once whatever the
// order values arrive in, through its inline, list and bitmap forms.
func TestPortSetCountsDistinct(t *testing.T) {
	desc := func(n int) []uint16 {
		out := make([]uint16, n)
		for i := range out {
			out[i] = uint16(1000 - i)
		}
		return out
	}
	tests := []struct {
		name string
		vals []uint16
		want int
	}{
		{"descending, repeated", append(desc(6), desc(6)...), 6},
		{"shuffled", []uint16{7, 3, 9, 1, 5, 3, 7, 2, 9, 1, 8}, 7},
		{"descending into a bitmap", append(desc(100), desc(100)...), 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bp := bitmapPool{max: 1}
			var s portSet
			for _, v := range tt.vals {
				s.add(v, &bp)
			}
			if s.count() != tt.want || s.list != nil && !slices.IsSorted(s.list) {
				t.Errorf("count %d, want %d; list %v", s.count(), tt.want, s.list)
			}
		})
	}
}
