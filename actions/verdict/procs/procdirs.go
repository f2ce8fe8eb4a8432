package procs

import (
	"sync"

	"golang.org/x/sys/unix"
)

// Bounds of the pinned process directories, each of which costs two
// descriptors.
const (
	maxProcDirs = 1024
	minProcDirs = 16
)

// procDirLimit is how many processes to pin: maxProcDirs, or fewer where
// the descriptor limit is low, so that pins take at most a quarter of it.
func procDirLimit() int {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		return minProcDirs
	}
	return int(max(min(rl.Cur/8, maxProcDirs), minProcDirs))
}

// procDirs are the pinned directories of the processes read, by PID: at
// most one per PID, the latest process read with it (only one can have
// it at a time). Those forgotten (evicted, swept, replaced) are closed
// outside the lock, once their users are done.
type procDirs struct {
	mu      sync.Mutex
	m       genMap[int, *procDir]
	dropped []*procDir // forgotten under mu, to close after it
}

func newProcDirs(limit int) *procDirs {
	c := &procDirs{m: newGenMap[int, *procDir](limit)}
	c.m.drop = func(_ int, d *procDir) { c.dropped = append(c.dropped, d) }
	return c
}

// get returns pid's pinned directory, nil if none.
func (c *procDirs) get(pid int) *procDir {
	c.mu.Lock()
	d, _ := c.m.get(pid)
	c.unlock()
	return d
}

// put makes d pid's pinned directory, closing the one it replaces.
func (c *procDirs) put(pid int, d *procDir) {
	c.mu.Lock()
	if prev, ok := c.m.get(pid); ok && prev != d {
		c.dropped = append(c.dropped, prev)
	}
	c.m.put(pid, d)
	c.unlock()
}

// remove forgets and closes d if it is still pid's directory.
func (c *procDirs) remove(pid int, d *procDir) {
	c.mu.Lock()
	if cur, ok := c.m.get(pid); ok && cur == d {
		c.m.delete(pid)
		c.dropped = append(c.dropped, d)
	}
	c.unlock()
}

// filter keeps the directories keep returns true for and closes the
// others.
func (c *procDirs) filter(keep func(pid int, d *procDir) bool) {
	c.mu.Lock()
	c.m.filter(func(pid int, d *procDir) bool {
		if keep(pid, d) {
			return true
		}
		c.dropped = append(c.dropped, d)
		return false
	})
	c.unlock()
}

func (c *procDirs) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m.len()
}

// closeAll closes every directory.
func (c *procDirs) closeAll() {
	c.filter(func(int, *procDir) bool { return false })
}

// unlock releases mu, then closes what was forgotten under it.
func (c *procDirs) unlock() {
	dropped := c.dropped
	c.dropped = nil
	c.mu.Unlock()
	for _, d := range dropped {
		d.close()
	}
}
