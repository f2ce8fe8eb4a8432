package procs

import (
	"slices"
	"sync"
)

// maxExeHints bounds the executables with a hint.
const maxExeHints = 256

// exeHints remember, per executable, the descriptor numbers at which
// processes running it held the socket of their first looked-up
// connection, most recent first. A program opens its files in the same
// order each run, so its next run's first socket is most often at the
// same number: a process started since the table's refresh has that
// number read first, before the low ones (firstNewFD). A hint only
// orders the reads: whatever it says, the socket found is checked as
// any other.
type exeHints struct {
	mu sync.Mutex
	m  genMap[string, fdHint]
}

func newExeHints() *exeHints { return &exeHints{m: newGenMap[string, fdHint](maxExeHints)} }

// probes appends to dst the numbers remembered for exe not in it.
func (h *exeHints) probes(exe string, dst []int32) []int32 {
	h.mu.Lock()
	hint, ok := h.m.get(exe)
	h.mu.Unlock()
	if !ok {
		return dst
	}
	for _, fd := range hint.fds[:hint.n] {
		if !slices.Contains(dst, fd) {
			dst = append(dst, fd)
		}
	}
	return dst
}

// found records that a new process running exe held the socket looked
// for at fd.
func (h *exeHints) found(exe string, fd int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	hint, _ := h.m.get(exe)
	hint.add(int32(fd))
	h.m.put(exe, hint)
}
