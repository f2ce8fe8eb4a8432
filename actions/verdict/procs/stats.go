package procs

import "sync/atomic"

// Stats are a Finder's counters since New. Lookup latency is for the
// caller to measure.
type Stats struct {
	Lookups        uint64 // Lookup calls
	SockDiagMisses uint64 // lookups that found no socket (ErrNoSocket)
	SockDiagDumps  uint64 // lookups the exact sock_diag requests missed, answered by a dump
	CacheHits      uint64 // sockets whose holder the inode cache knew
	CacheMisses    uint64 // sockets whose holder had to be searched for
	NegativeHits   uint64 // sockets the cache knew no process holds
	FDScans        uint64 // process descriptor directories read
	FDsRead        uint64 // descriptor links read by those scans
	FullScans      uint64 // searches that went past the socket user's processes
	NoProcess      uint64 // lookups that found a socket but no process (ErrNoProcess)
	PIDReuse       uint64 // processes that changed under a read (PID reused)
	Errors         uint64 // lookups that failed otherwise
	Hashes         uint64 // executables digested
	Refreshes      uint64 // process table refreshes
	Processes      int    // live processes in the table
	CachedInodes   int    // entries of the inode cache
}

// counters are the atomic counters behind Stats.
type counters struct {
	lookups, sockMisses, dumps, cacheHits, cacheMisses, negHits atomic.Uint64
	fdScans, fdsRead, fullScans, noProcess, pidReuse, errors    atomic.Uint64
	hashes, refreshes                                           atomic.Uint64
}

// Stats returns the counters.
func (f *Finder) Stats() Stats {
	c := &f.stats
	st := Stats{
		Lookups: c.lookups.Load(), SockDiagMisses: c.sockMisses.Load(), SockDiagDumps: c.dumps.Load(),
		CacheHits: c.cacheHits.Load(), CacheMisses: c.cacheMisses.Load(), NegativeHits: c.negHits.Load(),
		FDScans: c.fdScans.Load(), FDsRead: c.fdsRead.Load(), FullScans: c.fullScans.Load(),
		NoProcess: c.noProcess.Load(), PIDReuse: c.pidReuse.Load(), Errors: c.errors.Load(),
		Hashes: c.hashes.Load(), Refreshes: c.refreshes.Load(),
		CachedInodes: f.inodes.len(),
	}
	if t := f.table.Load(); t != nil {
		st.Processes = len(t.pids)
	}
	return st
}
