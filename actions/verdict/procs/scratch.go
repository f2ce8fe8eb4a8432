package procs

// scratch holds the buffers of one Lookup or refresh, taken from a pool so
// that the hot path does not allocate them.
type scratch struct {
	file   [4096]byte // stat, status
	link   [4096]byte // exe link (PATH_MAX)
	fdl    [64]byte   // a descriptor link: longer ones are not sockets
	dents  [8192]byte // getdents64 records
	name   [16]byte   // a NUL-terminated descriptor number, or "fd/N"
	one    [1]int32   // the one descriptor a cached holder is checked at
	inode  uint64     // the socket looked for
	want   []byte     // its link text, "socket:[INODE]"
	seen   []seenSocket
	probes []int32 // descriptor numbers to read first
	pids   []int
	fresh  []int
	tried  map[int]struct{}
	ahead  bool // a read ahead (Finder.prewarm), not a lookup
	quick  bool // a LookupQuick: search's first steps, no digest made
}

// seenSocket is a socket met in a descriptor scan, recorded in the cache.
type seenSocket struct {
	inode uint64
	fd    int32
}

func newScratch() *scratch {
	return &scratch{want: make([]byte, 0, 32), tried: make(map[int]struct{})}
}

// reset prepares s for a lookup of inode.
func (s *scratch) reset(inode uint64) {
	s.inode = inode
	s.want = appendSocketLink(s.want[:0], inode)
	s.seen = s.seen[:0]
	s.pids = s.pids[:0]
	clear(s.tried)
}
