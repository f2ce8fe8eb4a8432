package procs

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Run keeps the tables current until ctx ends, then returns nil: every
// Config.Refresh it rereads the process list and forgets the processes
// that exited or whose PID was reused. Lookups work without Run, but
// search more. Run returns ErrClosed if the Finder is closed.
func (f *Finder) Run(ctx context.Context) error {
	tick := time.NewTicker(f.cfg.Refresh)
	defer tick.Stop()
	if f.events != nil {
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer wg.Wait()
		defer cancel()
		wg.Go(func() { f.readEvents(ctx) })
		wg.Go(func() { f.warm.run(ctx, f.prewarm) })
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		if err := f.refresh(); err == ErrClosed {
			return err
		} else if err != nil {
			f.log.Warn("procs: refresh process table", "err", err)
		}
	}
}

// readEvents handles the process events as they come until ctx ends or
// the Finder is closed. A reader that fails leaves them to the lookups,
// which drain the socket before they trust it.
func (f *Finder) readEvents(ctx context.Context) {
	if err := f.events.run(ctx, f.sink); err != nil && !errors.Is(err, os.ErrClosed) {
		f.log.Warn("procs: reading process events", "err", err)
	}
}

// refresh rebuilds the process table and sweeps the caches by it.
func (f *Finder) refresh() error {
	if !f.enter() {
		return ErrClosed
	}
	defer f.leave()
	s := f.bufs.Get().(*scratch)
	defer f.bufs.Put(s)
	var mark uint64
	if f.fresh != nil {
		mark = f.fresh.mark()
	}
	t, err := f.buildTable(f.table.Load(), f.watched(), s)
	if err != nil {
		return err
	}
	t.mark = mark
	f.table.Store(t)
	if f.fresh != nil {
		f.fresh.resync(mark)
	}
	f.stats.refreshes.Add(1)
	f.sweep(t, s)
	return nil
}

// sweep forgets what belongs to processes no longer in t, unpinning
// them, and counts the PIDs found reused; it rereads the user of each
// cached process.
func (f *Finder) sweep(t *table, s *scratch) {
	now := f.now()
	f.inodes.filter(func(_ uint64, r ownerRef) bool {
		if r.none {
			return r.until > now
		}
		return t.alive(int(r.pid), r.start)
	})
	f.procs.filter(func(k procKey, _ *procInfo) bool { return f.aliveCounted(t, k.pid, k.start) })
	f.hot.prune(func(k procKey) bool { return t.alive(k.pid, k.start) })
	f.hints.filter(func(pid int) bool { return t.alive(pid, 0) })
	f.dirs.filter(func(pid int, d *procDir) bool { return t.alive(pid, d.start) })
	for _, k := range f.procs.snapshot() {
		f.recheckUser(k, s)
	}
}

// watched lists the processes whose reuse matters: those cached and the
// hot ones.
func (f *Finder) watched() map[int]bool {
	w := make(map[int]bool)
	for _, k := range f.procs.snapshot() {
		w[k.pid] = true
	}
	f.hot.each(func(k procKey) { w[k.pid] = true })
	return w
}

// aliveCounted is t.alive, counting a PID alive with another start time
// as reused.
func (f *Finder) aliveCounted(t *table, pid int, start uint64) bool {
	if t.alive(pid, start) {
		return true
	}
	if t.alive(pid, 0) {
		f.stats.pidReuse.Add(1)
	}
	return false
}

// recheckUser rereads the real user of cached process k and replaces the
// entry if it changed (setuid without exec).
func (f *Finder) recheckUser(k procKey, s *scratch) {
	pi := f.procs.get(k)
	if pi == nil {
		return
	}
	sfd, err := f.proc.open(k.pid, "stat")
	if err != nil {
		return
	}
	defer unix.Close(sfd)
	b, err := f.proc.readFile(k.pid, "status", s.file[:])
	if err != nil {
		return
	}
	uid, err := parseStatusUID(b)
	if err != nil || uid == pi.p.UID || f.sameStart(sfd, k.pid, k.start, s) != nil {
		return
	}
	upd := *pi
	upd.p.UID = uid
	f.procs.put(k, &upd)
}
