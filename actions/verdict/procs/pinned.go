package procs

import (
	"bytes"
	"errors"
	"strconv"
)

// probeResult is what reading descriptors through a pinned directory
// told.
type probeResult int

const (
	probeGone probeResult = iota // the pinned process is gone (or unpinned): read by path
	probeMiss                    // it is alive and holds s.want at none of the descriptors
	probeHit                     // it holds s.want at the descriptor returned
)

// processOf returns the process pid if it holds s.want at descriptor fd.
// A process pinned and cached unchanged costs reading the descriptor
// link and the exe link through its directory; any other is read by
// path (readProcess).
func (f *Finder) processOf(pid, fd int, s *scratch) (Process, error) {
	d := f.dirs.get(pid)
	if d == nil {
		return f.readProcess(pid, fd, s)
	}
	s.one[0] = int32(fd)
	switch _, _, res := s.probeDir(d, s.one[:]); res {
	case probeHit:
		return f.pinnedProcess(d, pid, fd, s)
	case probeMiss:
		return Process{}, errGone
	}
	f.dirs.remove(pid, d)
	return f.readProcess(pid, fd, s)
}

// pinnedProcess returns the process d pins, which holds s.want at fd:
// its cached Process if its exe link and (when hashing) executable are
// unchanged, else what readProcess reads anew.
func (f *Finder) pinnedProcess(d *procDir, pid, fd int, s *scratch) (Process, error) {
	if pi := f.procs.get(procKey{pid, d.start}); pi != nil && f.unchanged(d, pi, s) {
		return pi.p, nil
	}
	return f.readProcess(pid, fd, s)
}

// unchanged reports whether the process d pins still runs what pi was
// read from: an exec of another program changes the exe link, a rewrite
// the executable's file. Its name is not read again: no verdict depends
// on it (rules match the executable), and an exec of the same program or
// a rename (PR_SET_NAME) changes nothing a rule sees; a read less on
// every verdict of a known process.
func (f *Finder) unchanged(d *procDir, pi *procInfo, s *scratch) bool {
	link, err := d.readlink(exeZ, s.link[:])
	if err != nil || !pi.sameLink(link) {
		return false
	}
	if f.hash == nil {
		return true
	}
	k, err := d.exeKey()
	return err == nil && k == pi.file
}

// probeDir reads the links of descriptors fds of the process d pins
// until one is s.want: that descriptor, and how many links it read.
// Sockets met on the way are appended to s.seen. On a miss it checks
// that the process is still alive: a link that cannot be read may be a
// descriptor closed or a process gone.
func (s *scratch) probeDir(d *procDir, fds []int32) (fd, read int, res probeResult) {
	for _, n := range fds {
		link, err := d.readlink(fdNameZ(s.name[:], n), s.fdl[:])
		if errors.Is(err, errDirClosed) {
			return -1, read, probeGone
		}
		read++
		if err != nil || len(link) == len(s.fdl) {
			continue // closed meanwhile, or too long for a socket link
		}
		if bytes.Equal(link, s.want) {
			return int(n), read, probeHit
		}
		if inode, ok := parseSocketLink(link); ok {
			s.seen = append(s.seen, seenSocket{inode: inode, fd: n})
		}
	}
	if !d.alive(s.file[:]) {
		return -1, read, probeGone
	}
	return -1, read, probeMiss
}

// fdNameZ writes "fd/N", NUL-terminated, into buf.
func fdNameZ(buf []byte, fd int32) []byte {
	b := append(buf[:0], "fd/"...)
	return append(strconv.AppendInt(b, int64(fd), 10), 0)
}
