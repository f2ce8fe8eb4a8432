package procs

import (
	"strings"
	"sync"
)

// Process is the program that holds a socket.
type Process struct {
	PID int
	// Start is the start time in clock ticks since boot (/proc/PID/stat
	// field 22): with PID, it names the process across PID reuse.
	Start uint64
	// Exe is the executable (readlink /proc/PID/exe), without the
	// " (deleted)" the kernel appends once the file is deleted or
	// replaced on disk; Deleted says it did.
	Exe     string
	Deleted bool
	Comm    string
	// UID is the real user ID (/proc/PID/status); it may lag a setuid by
	// up to one refresh period.
	UID uint32
	// SHA256 is the lowercase hex digest of the executable's content,
	// when Config.Hash: the mapped binary, even if replaced on disk.
	SHA256 string
	// Foreign says the executable is not the file its path names on the
	// host (in PID 1's mount namespace): a bind mount over /usr/bin/curl in
	// a private namespace, a container's own files. Exe is then
	// "mnt:NS:/path" (NS the process's mount namespace), which no rule
	// naming the plain path matches.
	Foreign bool
	// Unverified says the process is in a user namespace other than the
	// daemon's, where it may have pointed its exe link at any executable
	// (see userns.go). Exe is then "userns:NS:/path" (NS the user
	// namespace), which no rule matches, and SHA256 is empty: what it
	// claims to run says nothing of what runs.
	Unverified bool
}

const deletedSuffix = " (deleted)"

// procKey names a process across PID reuse.
type procKey struct {
	pid   int
	start uint64
}

// procInfo is a cached Process and the raw exe link it was read with.
type procInfo struct {
	p    Process
	link string
	file fileKey // the executable's identity, when hashing
}

// procCache keeps what was read of each process that held a socket.
type procCache struct {
	mu sync.Mutex
	m  genMap[procKey, *procInfo]
}

func newProcCache(limit int) *procCache {
	return &procCache{m: newGenMap[procKey, *procInfo](limit)}
}

func (c *procCache) get(k procKey) *procInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	pi, _ := c.m.get(k)
	return pi
}

func (c *procCache) put(k procKey, pi *procInfo) {
	c.mu.Lock()
	c.m.put(k, pi)
	c.mu.Unlock()
}

// filter keeps the entries keep returns true for.
func (c *procCache) filter(keep func(procKey, *procInfo) bool) {
	c.mu.Lock()
	c.m.filter(keep)
	c.mu.Unlock()
}

func (c *procCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m.len()
}

// snapshot lists the cached processes.
func (c *procCache) snapshot() []procKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	var keys []procKey
	c.m.filter(func(k procKey, _ *procInfo) bool { keys = append(keys, k); return true })
	return keys
}

// newProcInfo builds the Process of pid from its stat and exe link.
func newProcInfo(pid int, start uint64, comm string, link []byte, uid uint32) *procInfo {
	exe, deleted := strings.CutSuffix(string(link), deletedSuffix)
	return &procInfo{
		link: string(link),
		p: Process{PID: pid, Start: start, Exe: exe, Deleted: deleted,
			Comm: comm, UID: uid},
	}
}

// sameComm reports whether the cached name is still comm.
func (pi *procInfo) sameComm(comm []byte) bool { return string(comm) == pi.p.Comm }

// sameLink reports whether the exe link is still link.
func (pi *procInfo) sameLink(link []byte) bool { return string(link) == pi.link }
