package procs

import (
	"cmp"
	"slices"
	"sync"
)

// maxFresh bounds the processes the events told of between two
// refreshes: a fork bomb makes them lost, not the memory grow.
const maxFresh = 4096

// freshPIDs are the processes the process events told of (forked or
// exec'd) since about the last refresh, which the process table may not
// hold yet: with them the search of a new process's socket need not list
// /proc. They are complete, every process started since a refresh's
// mark being there, unless events were lost since (the socket's buffer
// overflowed, maxFresh was reached, or they had not started): then the
// search lists /proc as without events, until a refresh that started
// after the loss.
//
// Every change takes a number of one sequence: events, marks, losses.
type freshPIDs struct {
	mu   sync.Mutex
	seq  uint64
	pids map[int]uint64 // → seq of the latest event that told of it
	gap  uint64         // seq of the latest loss
	prev uint64         // the mark of the refresh before the latest
	gone uint64         // the processes told of up to this were forgotten
	lose uint64         // losses counted
}

// newFreshPIDs starts with a loss: the events before the connector
// listened are unknown.
func newFreshPIDs() *freshPIDs {
	return &freshPIDs{pids: make(map[int]uint64), seq: 1, gap: 1}
}

// started records a new process, or one that ran a new program.
func (f *freshPIDs) started(pid int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	if _, ok := f.pids[pid]; !ok && len(f.pids) >= maxFresh {
		if f.gap < f.prev { // count a flood once per refresh
			f.lose++
		}
		f.gap = f.seq
		return
	}
	f.pids[pid] = f.seq
}

// exited forgets a process that exited.
func (f *freshPIDs) exited(pid int) {
	f.mu.Lock()
	delete(f.pids, pid)
	f.mu.Unlock()
}

// lost records that events were lost.
func (f *freshPIDs) lost() {
	f.mu.Lock()
	f.seq++
	f.gap = f.seq
	f.lose++
	f.mu.Unlock()
}

// losses counts the losses: ENOBUFS, and floods past maxFresh.
func (f *freshPIDs) losses() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lose
}

// mark is taken by a refresh before it lists /proc: the processes told
// of after it may be missing from the table it builds.
func (f *freshPIDs) mark() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	return f.seq
}

// resync is called once the table of the refresh that took mark is in
// use: the processes told of before the previous refresh's mark are in
// both tables lookups may still be reading, and are forgotten.
func (f *freshPIDs) resync(mark uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	prev := f.prev
	f.prev, f.gone = mark, prev
	for pid, seq := range f.pids {
		if seq <= prev {
			delete(f.pids, pid)
		}
	}
}

// since appends to dst the processes told of after mark, newest first,
// and reports whether they are all that started since then (no event
// lost since mark).
func (f *freshPIDs) since(mark uint64, dst []int) ([]int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gap >= mark || mark < f.gone { // a loss since, or a table older than what is kept
		return dst, false
	}
	from := len(dst)
	for pid, seq := range f.pids {
		if seq > mark {
			dst = append(dst, pid)
		}
	}
	slices.SortFunc(dst[from:], func(a, b int) int { return cmp.Compare(f.pids[b], f.pids[a]) })
	return dst, true
}

func (f *freshPIDs) len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.pids)
}
