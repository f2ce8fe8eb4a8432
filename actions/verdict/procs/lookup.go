package procs

import (
	"errors"

	"golang.org/x/sys/unix"
)

// Owner is the socket of a connection and the process that holds it.
type Owner struct {
	Inode   uint64  // socket inode (sock_diag); 0 for TIME_WAIT and orphaned TCP sockets
	UID     uint32  // socket user (sock_diag)
	Process Process // zero PID when no process was found
}

// Lookup finds the socket t's packet belongs to and the process holding
// it. Errors: ErrUnsupported, ErrInvalidTuple, ErrNoSocket, ErrNoProcess
// (with Inode and UID filled in), ErrClosed, or a wrapped system error.
// It is safe for concurrent use.
func (f *Finder) Lookup(t Tuple) (Owner, error) { return f.lookup(t, false) }

// LookupQuick is Lookup limited to a few reads, for a caller that must
// not wait (the queue's reader): the exact sock_diag request, the cached
// holder, the likely descriptors of the newest new processes and of the
// recent holders (search's steps 0 and 1), and digests already made. When
// those do not find the process it returns ErrSlow, and has counted
// nothing: Lookup then does the whole search.
func (f *Finder) LookupQuick(t Tuple) (Owner, error) { return f.lookup(t, true) }

func (f *Finder) lookup(t Tuple, quick bool) (Owner, error) {
	if !f.enter() {
		return Owner{}, ErrClosed
	}
	defer f.leave()
	own, err := f.find(t, quick)
	if !errors.Is(err, ErrSlow) {
		f.stats.lookups.Add(1)
	}
	return own, err
}

func (f *Finder) find(t Tuple, quick bool) (Owner, error) {
	t, err := t.normalize()
	if err != nil {
		return Owner{}, err
	}
	m, err := f.socketOf(t, quick)
	if err != nil {
		if errors.Is(err, ErrNoSocket) {
			f.stats.sockMisses.Add(1)
		} else {
			f.stats.errors.Add(1)
		}
		return Owner{}, err
	}
	own := Owner{Inode: uint64(m.Inode), UID: m.UID}
	if own.Inode == 0 {
		f.stats.noProcess.Add(1)
		return own, ErrNoProcess
	}
	own.Process, err = f.ownerOf(own.Inode, own.UID, quick)
	switch {
	case errors.Is(err, ErrNoProcess):
		f.stats.noProcess.Add(1)
	case err != nil:
		f.stats.errors.Add(1)
	}
	return own, err
}

// ownerOf returns the process holding socket inode, created by user uid:
// the cached holder if it still holds it, else the first found by a
// search of the processes (its first steps only when quick).
func (f *Finder) ownerOf(inode uint64, uid uint32, quick bool) (Process, error) {
	s := f.bufs.Get().(*scratch)
	defer f.bufs.Put(s)
	s.reset(inode)
	s.quick = quick
	if ref, ok := f.inodes.get(inode); ok {
		if ref.none && ref.until > f.now() {
			f.stats.negHits.Add(1)
			return Process{}, ErrNoProcess
		}
		if !ref.none {
			p, err := f.processOf(int(ref.pid), int(ref.fd), s)
			if errors.Is(err, ErrSlow) {
				return Process{}, err
			}
			if err == nil {
				if ref.start != p.Start {
					f.inodes.put(inode, ownerRef{pid: ref.pid, fd: ref.fd, start: p.Start})
				}
				f.stats.cacheHits.Add(1)
				f.hot.touch(uid, procKey{p.PID, p.Start})
				return p, nil
			}
			if err = ignoreGone(err); err != nil {
				return Process{}, err
			}
		}
		f.inodes.delete(inode)
	}
	p, err := f.search(inode, uid, s)
	if !errors.Is(err, ErrSlow) {
		f.stats.cacheMisses.Add(1)
	}
	if err != nil {
		return Process{}, err
	}
	if p.PID == 0 {
		f.inodes.put(inode, ownerRef{none: true, until: f.now() + negativeRefreshes*int64(f.cfg.Refresh)})
		return Process{}, ErrNoProcess
	}
	f.hot.touch(uid, procKey{p.PID, p.Start})
	return p, nil
}

// ignoreGone is nil for the errors of a process that went away or changed
// hands while read: the search goes on.
func ignoreGone(err error) error {
	if errors.Is(err, errGone) || errors.Is(err, errReused) || errors.Is(err, unix.EACCES) {
		return nil
	}
	return err
}
