package procs

import "sync"

// inodeShards splits the inode cache so that lookups and the upkeep's
// sweep rarely wait for each other.
const inodeShards = 16

// ownerRef is where a socket inode was last seen: descriptor fd of pid
// (started at start, 0 when not read), or, when none, no process at all
// until the time until (nanoseconds on the Finder's clock).
type ownerRef struct {
	pid   int32
	fd    int32
	start uint64
	none  bool
	until int64
}

// inodeCache maps socket inodes to their holders. Entries are hints: a
// Lookup checks the descriptor link before it believes one.
type inodeCache struct {
	shards [inodeShards]struct {
		mu sync.Mutex
		m  genMap[uint64, ownerRef]
	}
}

func newInodeCache(limit int) *inodeCache {
	c := &inodeCache{}
	for i := range c.shards {
		c.shards[i].m = newGenMap[uint64, ownerRef](max(limit/inodeShards, 2))
	}
	return c
}

func (c *inodeCache) get(inode uint64) (ownerRef, bool) {
	sh := &c.shards[inode%inodeShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.m.get(inode)
}

func (c *inodeCache) put(inode uint64, r ownerRef) {
	sh := &c.shards[inode%inodeShards]
	sh.mu.Lock()
	sh.m.put(inode, r)
	sh.mu.Unlock()
}

func (c *inodeCache) delete(inode uint64) {
	sh := &c.shards[inode%inodeShards]
	sh.mu.Lock()
	sh.m.delete(inode)
	sh.mu.Unlock()
}

// putSeen records the sockets a scan of pid met.
func (c *inodeCache) putSeen(pid int, start uint64, seen []seenSocket) {
	for _, s := range seen {
		c.put(s.inode, ownerRef{pid: int32(pid), fd: s.fd, start: start})
	}
}

// filter keeps the entries keep returns true for, one shard at a time.
func (c *inodeCache) filter(keep func(uint64, ownerRef) bool) {
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		sh.m.filter(keep)
		sh.mu.Unlock()
	}
}

func (c *inodeCache) len() int {
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		n += sh.m.len()
		sh.mu.Unlock()
	}
	return n
}
