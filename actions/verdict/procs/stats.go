package procs

import "sync/atomic"

// Stats are a Finder's counters since New. Lookup latency is for the
// caller to measure.
type Stats struct {
	Lookups        uint64 `json:"lookups"`          // Lookup calls
	SockDiagMisses uint64 `json:"sock_diag_misses"` // lookups that found no socket (ErrNoSocket)
	SockDiagDumps  uint64 `json:"sock_diag_dumps"`  // lookups the exact sock_diag requests missed, answered by a dump
	CacheHits      uint64 `json:"cache_hits"`       // sockets whose holder the inode cache knew
	CacheMisses    uint64 `json:"cache_misses"`     // sockets whose holder had to be searched for
	NegativeHits   uint64 `json:"negative_hits"`    // sockets the cache knew no process holds
	FDScans        uint64 `json:"fd_scans"`         // process descriptor directories read
	FDsRead        uint64 `json:"fds_read"`         // descriptor links read by those scans
	FullScans      uint64 `json:"full_scans"`       // searches that went past the socket user's processes
	NoProcess      uint64 `json:"no_process"`       // lookups that found a socket but no process (ErrNoProcess)
	PIDReuse       uint64 `json:"pid_reuse"`        // processes that changed under a read (PID reused)
	Errors         uint64 `json:"errors"`           // lookups that failed otherwise
	Hashes         uint64 `json:"hashes"`           // executables digested
	Refreshes      uint64 `json:"refreshes"`        // process table refreshes
	Processes      int    `json:"processes"`        // live processes in the table
	CachedInodes   int    `json:"cached_inodes"`    // entries of the inode cache
	// Process events (the netlink process connector): whether the finder
	// listens to them, how many it read, how often some were lost (the
	// socket's buffer overflowed, or more new processes than it keeps
	// started between two refreshes), and how many searches listed /proc
	// for new processes (without events, or after a loss until the next
	// refresh).
	ProcEvents      bool   `json:"proc_events"`
	ProcEventsRead  uint64 `json:"proc_events_read"`
	ProcEventsLost  uint64 `json:"proc_events_lost"`
	ProcDirListings uint64 `json:"proc_listings"`
	// ReadAhead counts the processes read and pinned as they ran a
	// program, before their first connection.
	ReadAhead uint64 `json:"read_ahead"`
}

// counters are the atomic counters behind Stats.
type counters struct {
	lookups, sockMisses, dumps, cacheHits, cacheMisses, negHits atomic.Uint64
	fdScans, fdsRead, fullScans, noProcess, pidReuse, errors    atomic.Uint64
	hashes, refreshes, listings, prewarmed                      atomic.Uint64
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
		CachedInodes: f.inodes.len(), ProcDirListings: c.listings.Load(), ReadAhead: c.prewarmed.Load(),
	}
	if f.events != nil {
		st.ProcEvents, st.ProcEventsRead, st.ProcEventsLost = true, f.events.handled(), f.fresh.losses()
	}
	if t := f.table.Load(); t != nil {
		st.Processes = len(t.pids)
	}
	return st
}
