package analyze

import "math/bits"

// portTally counts packets per destination port of each protocol with
// ports, remembering which ports it counted: the report (and the sum of
// the workers' tallies) visits only those, so that a small log does not
// read the 768 KiB of counters (their pages are never touched).
type portTally struct {
	n    [len(portProtos)][65536]uint32
	seen [len(portProtos)][65536 / 64]uint64
}

func (t *portTally) add(proto int, port uint16, n uint32) {
	if t.n[proto][port] == 0 {
		t.seen[proto][port/64] |= 1 << (port % 64)
	}
	t.n[proto][port] += n
}

// each calls f with every port counted and its packets, by protocol then
// port.
func (t *portTally) each(f func(proto int, port uint16, n uint32)) {
	for proto := range t.seen {
		for w, word := range t.seen[proto] {
			for word != 0 {
				port := uint16(w*64 + bits.TrailingZeros64(word))
				word &= word - 1
				f(proto, port, t.n[proto][port])
			}
		}
	}
}
