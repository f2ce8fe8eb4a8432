package analyze

import "math/bits"

// portTally counts packets per destination port of each protocol with
// ports, remembering which ports it counted: the report (and the sum of
// the workers' tallies) visits only those, so that a small log does not
// read the 768 KiB of counters (their pages are never touched).
//
// One packet's port is queued (count) and the queue counted when full:
// the counters are random reads in 768 KiB, a cache miss each for the
// rarer ports, and a run of them overlaps those misses where one at a
// time between packets waited for each.
type portTally struct {
	n      [len(portProtos)][65536]uint32
	seen   [len(portProtos)][65536 / 64]uint64
	queue  [256]int32 // portKeys of packets not counted yet
	queued int
}

// count counts one packet of portKey key (>= 0).
func (t *portTally) count(key int32) {
	if t.queued == len(t.queue) {
		t.flush()
	}
	t.queue[t.queued] = key
	t.queued++
}

// flush counts the queued packets.
func (t *portTally) flush() {
	for _, key := range t.queue[:t.queued] {
		t.add(int(key>>16), uint16(key), 1)
	}
	t.queued = 0
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
	t.flush()
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
