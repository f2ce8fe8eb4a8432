package signatures

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestNoiseTableModel runs random additions, searches, removals (as a
// promotion does), expiries of the oldest record (stale slots) and sweeps
// against a map, with a small index so that clusters wrap around its end:
// every live record is found where it is, no ended one is, the slot
// counts add up and the fingerprints match the slots.
func TestNoiseTableModel(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var nt noiseTable
		live := map[[16]byte]uint64{} // address -> ring position
		var order [][16]byte          // addresses in ring order (ended ones too)
		key := func(i int) [16]byte {
			var k [16]byte
			binary.LittleEndian.PutUint64(k[:], uint64(i)%uint64(50+seed*40))
			return k
		}
		for op := range 20000 {
			k := key(rng.IntN(1 << 20))
			switch r := rng.IntN(10); {
			case r < 5: // a new source, unless it is there
				if _, ok := live[k]; ok {
					continue
				}
				rec := noiseRec{src: k}
				nt.add(&rec)
				live[k] = nt.tail - 1
				order = append(order, k)
			case r < 7: // its second packet: promoted
				if i := nt.find(&k); i >= 0 {
					nt.remove(i)
					delete(live, k)
				}
			default: // the oldest expires
				if en := nt.oldest(); en != nil {
					delete(live, en.src)
					nt.dropOldest()
				}
			}
			if op%97 == 0 {
				nt.sweep()
			}
			for a, pos := range live {
				i := nt.find(&a)
				if i < 0 || uint64(nt.index[i].pos) != pos&(1<<32-1) || nt.at(i).src != a {
					t.Fatalf("seed %d op %d: %x at %d not found (slot %d)", seed, op, a[:2], pos, i)
				}
			}
			for j := 0; j < 8 && len(order) > 0; j++ {
				a := order[rng.IntN(len(order))]
				if _, ok := live[a]; !ok && nt.find(&a) >= 0 {
					t.Fatalf("seed %d op %d: ended %x found", seed, op, a[:2])
				}
			}
			used, stale := 0, 0
			for i, sl := range nt.index {
				if nt.fp[i] != fingerprint(sl.tag) {
					t.Fatalf("seed %d op %d: slot %d tag %x, fp %x", seed, op, i, sl.tag, nt.fp[i])
				}
				if sl.tag != 0 {
					used++
					if !nt.live(sl) {
						stale++
					}
				}
			}
			if nt.n != len(live) || nt.used != used || used-stale != len(live) || 2*used > len(nt.index) && len(nt.index) > 0 {
				t.Fatalf("seed %d op %d: n %d used %d (counted %d, %d stale), %d live, index %d",
					seed, op, nt.n, nt.used, used, stale, len(live), len(nt.index))
			}
		}
	}
}
