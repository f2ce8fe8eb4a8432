package procs

import (
	"slices"
	"strconv"
	"sync"
)

const (
	// hintSlots is how many descriptor numbers a hint remembers.
	hintSlots = 8
	// maxHints bounds the processes with a hint.
	maxHints = 1024
)

// fdHint remembers the descriptor numbers at which a process's sockets
// were last found, most recent first. The kernel gives a new descriptor
// the lowest free number, so a process's next socket is most often at a
// number a short-lived socket freed (one of these) or just above the
// last one: probing those few first spares reading the links of every
// descriptor of a process that has hundreds.
type fdHint struct {
	fds [hintSlots]int32
	n   int
}

// add moves fd to the front.
func (h *fdHint) add(fd int32) {
	l := h.fds[:h.n]
	if i := slices.Index(l, fd); i >= 0 {
		copy(l[1:i+1], l[:i])
		l[0] = fd
		return
	}
	if h.n < hintSlots {
		h.n++
	}
	copy(h.fds[1:h.n], h.fds[:h.n-1])
	h.fds[0] = fd
}

// probes lists the numbers to try first: each remembered number and the
// one above it, without repeats.
func (h *fdHint) probes(dst []int32) []int32 {
	for _, fd := range h.fds[:h.n] {
		for _, p := range [2]int32{fd, fd + 1} {
			if !slices.Contains(dst, p) {
				dst = append(dst, p)
			}
		}
	}
	return dst
}

// fdHints are the hints of the processes that held looked-up sockets.
type fdHints struct {
	mu sync.Mutex
	m  genMap[int, fdHint] // by PID: a hint is only an order to read in
}

func newFDHints() *fdHints { return &fdHints{m: newGenMap[int, fdHint](maxHints)} }

// probes appends pid's probes to dst.
func (h *fdHints) probes(pid int, dst []int32) []int32 {
	h.mu.Lock()
	hint, ok := h.m.get(pid)
	h.mu.Unlock()
	if !ok {
		return dst
	}
	return hint.probes(dst)
}

// found records that pid held the socket looked for at fd.
func (h *fdHints) found(pid, fd int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	hint, _ := h.m.get(pid)
	hint.add(int32(fd))
	h.m.put(pid, hint)
}

// filter keeps the hints of the processes keep returns true for.
func (h *fdHints) filter(keep func(pid int) bool) {
	h.mu.Lock()
	h.m.filter(func(pid int, _ fdHint) bool { return keep(pid) })
	h.mu.Unlock()
}

// nameZ writes descriptor number fd as a NUL-terminated name into buf.
func nameZ(buf []byte, fd int32) []byte {
	return append(strconv.AppendInt(buf[:0], int64(fd), 10), 0)
}
