package procs

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// maxProcs bounds the cache of processes read.
const maxProcs = 8192

// Finder attributes connections to processes. Lookup is safe for
// concurrent use; Run keeps its tables current.
type Finder struct {
	cfg    Config
	log    *slog.Logger
	pool   *connPool
	proc   *procFS
	inodes *inodeCache
	procs  *procCache
	dirs   *procDirs
	hot    *hotPIDs
	hints  *fdHints
	exes   *exeHints
	hash   *hasher    // nil unless Config.Hash
	events *evConn    // nil without process events
	fresh  *freshPIDs // what the events told; nil without them
	sink   evSink     // where the events go: fresh, and the caches
	warm   *warmer    // reads the processes that exec'd; nil without events
	table  atomic.Pointer[table]
	bufs   sync.Pool // *scratch
	epoch  time.Time
	stats  counters
	userNS string // the daemon's user namespace (procFS.selfUserNS)

	// mu is held shared by each Lookup and refresh, and exclusively by
	// Close, which thus never closes a descriptor in use.
	mu     sync.RWMutex
	closed bool

	afterRead func(pid int) // tests: runs between the two start-time reads
}

// New opens the sock_diag sockets in the calling thread's network
// namespace, which is the one whose sockets Lookup finds, and reads the
// process table once.
func New(cfg Config, log *slog.Logger) (*Finder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	proc, err := openProcFS(cfg.Proc)
	if err != nil {
		return nil, err
	}
	pool, err := dialPool(cfg.Conns)
	if err != nil {
		_ = proc.close()
		return nil, err
	}
	f := &Finder{
		cfg: cfg, log: log, pool: pool, proc: proc,
		inodes: newInodeCache(cfg.MaxInodes), procs: newProcCache(maxProcs),
		dirs: newProcDirs(procDirLimit()), hot: newHotPIDs(), hints: newFDHints(), exes: newExeHints(),
		epoch: time.Now(), userNS: proc.selfUserNS(),
	}
	f.bufs.New = func() any { return newScratch() }
	if cfg.Hash {
		f.hash = newHasher(&f.stats.hashes)
	}
	f.listenEvents()
	if err := f.refresh(); err != nil {
		_ = f.closeFDs()
		return nil, err
	}
	return f, nil
}

// Close closes the sockets, the pinned process directories and the
// procfs root, after the lookups under way finish. Lookups after Close
// return ErrClosed.
func (f *Finder) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	return f.closeFDs()
}

// closeFDs closes what New opened.
func (f *Finder) closeFDs() error {
	var errs []error
	f.dirs.closeAll()
	if f.events != nil {
		if err := f.events.close(); err != nil {
			errs = append(errs, fmt.Errorf("procs: close process connector: %w", err))
		}
	}
	if err := f.pool.shut(); err != nil {
		errs = append(errs, fmt.Errorf("procs: close sock_diag sockets: %w", err))
	}
	if err := f.proc.close(); err != nil {
		errs = append(errs, fmt.Errorf("procs: close %s: %w", f.cfg.Proc, err))
	}
	return errors.Join(errs...)
}

// listenEvents opens the process events unless Config.NoEvents; without
// them (no connector, no permission, a procfs other than the host's)
// the search lists /proc for new processes.
func (f *Finder) listenEvents() {
	if f.cfg.NoEvents {
		return
	}
	if f.cfg.Proc != DefaultProc {
		f.log.Debug("procs: no process events for a procfs other than " + DefaultProc)
		return
	}
	ev, err := openEvents()
	if err != nil {
		f.log.Info("procs: no process events; new processes are searched for in "+DefaultProc, "err", err)
		return
	}
	f.events, f.fresh, f.warm = ev, newFreshPIDs(), newWarmer()
	f.sink = eventSink{f}
}

// eventSink takes the process events to the Finder: new processes to
// fresh, exits also to the hot lists, whose dead entries the search
// would probe in vain until the next refresh.
type eventSink struct{ f *Finder }

func (e eventSink) started(pid int, exec bool) {
	e.f.fresh.started(pid)
	if exec {
		e.f.warm.add(pid)
	}
}

func (e eventSink) exited(pid int) {
	e.f.fresh.exited(pid)
	e.f.hot.forget(pid)
}

func (e eventSink) lost() { e.f.fresh.lost() }

// enter marks a lookup or refresh under way: false after Close. leave
// ends it.
func (f *Finder) enter() bool {
	f.mu.RLock()
	if f.closed {
		f.mu.RUnlock()
		return false
	}
	return true
}

func (f *Finder) leave() { f.mu.RUnlock() }

// now is the Finder's monotonic clock, in nanoseconds.
func (f *Finder) now() int64 { return int64(time.Since(f.epoch)) }
