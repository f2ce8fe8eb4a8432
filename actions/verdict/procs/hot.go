package procs

import (
	"slices"
	"sync"
)

// hotPerUser bounds the hot list of each user.
const hotPerUser = 16

// hotPIDs remembers, per socket user, the processes that most recently
// owned a looked-up socket: a new connection is most often made by a
// process that made one before.
type hotPIDs struct {
	mu    sync.Mutex
	byUID map[uint32][]procKey // most recent first
}

func newHotPIDs() *hotPIDs { return &hotPIDs{byUID: make(map[uint32][]procKey)} }

// touch moves process k to the front of uid's list.
func (h *hotPIDs) touch(uid uint32, k procKey) {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.byUID[uid]
	if len(l) > 0 && l[0] == k {
		return
	}
	if i := slices.Index(l, k); i >= 0 {
		copy(l[1:i+1], l[:i])
		l[0] = k
		return
	}
	if len(l) < hotPerUser {
		l = append(l, procKey{})
	}
	copy(l[1:], l)
	l[0] = k
	h.byUID[uid] = l
}

// list appends the PIDs of uid's hot processes to dst, most recent
// first.
func (h *hotPIDs) list(uid uint32, dst []int) []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range h.byUID[uid] {
		dst = append(dst, k.pid)
	}
	return dst
}

// prune forgets the processes alive returns false for.
func (h *hotPIDs) prune(alive func(procKey) bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for uid, l := range h.byUID {
		l = slices.DeleteFunc(l, func(k procKey) bool { return !alive(k) })
		if len(l) == 0 {
			delete(h.byUID, uid)
			continue
		}
		h.byUID[uid] = l
	}
}

// forget drops the processes of PID pid, which exited.
func (h *hotPIDs) forget(pid int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for uid, l := range h.byUID {
		if !slices.ContainsFunc(l, func(k procKey) bool { return k.pid == pid }) {
			continue
		}
		if l = slices.DeleteFunc(l, func(k procKey) bool { return k.pid == pid }); len(l) == 0 {
			delete(h.byUID, uid)
			continue
		}
		h.byUID[uid] = l
	}
}

// each calls fn for every hot process.
func (h *hotPIDs) each(fn func(procKey)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, l := range h.byUID {
		for _, k := range l {
			fn(k)
		}
	}
}

// len counts the hot processes.
func (h *hotPIDs) len() int {
	n := 0
	h.each(func(procKey) { n++ })
	return n
}
