package procs

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"
)

// scanFDs reads the descriptor links of pid until one is s.want and
// returns that descriptor, or -1: first the numbers in s.probes, then,
// if all, the others in directory order. When d, pid's pinned
// directory, is not nil, they are read through it, which then tells
// whether the process it pins holds the socket (pinned); else, or when
// that process is gone, by path. Every socket met on the way is
// appended to s.seen. A process that is gone or not readable is not an
// error.
func (f *Finder) scanFDs(pid int, d *procDir, all bool, s *scratch) (fd int, pinned bool, err error) {
	if d != nil {
		fd, res, err := f.scanPinned(d, all, s)
		if res != probeGone || err != nil {
			return fd, res == probeHit, err
		}
		f.dirs.remove(pid, d)
	}
	fd, err = f.scanPath(pid, all, s)
	return fd, false, err
}

// scanPinned reads the descriptor links of the process d pins, the
// numbers in s.probes first, then, if all, the others: probeGone when
// that process is gone (or d was closed), and the links must be read by
// path.
func (f *Finder) scanPinned(d *procDir, all bool, s *scratch) (int, probeResult, error) {
	probed := len(s.probes) > 0
	if probed {
		fd, read, res := s.probeDir(d, s.probes)
		f.stats.fdsRead.Add(uint64(read))
		if res != probeGone {
			f.stats.fdScans.Add(1)
		}
		if res != probeMiss || !all {
			return fd, res, nil
		}
	}
	if !all {
		return -1, probeMiss, nil
	}
	dfd, err := d.openFDs()
	if err != nil {
		if err == errDirClosed || err == errGone || err == unix.EACCES {
			return -1, probeGone, nil
		}
		return -1, probeMiss, fmt.Errorf("procs: open fd directory of pinned process: %w", err)
	}
	defer unix.Close(dfd)
	if !probed {
		f.stats.fdScans.Add(1)
	}
	fd, n, err := s.scanDir(dfd)
	f.stats.fdsRead.Add(uint64(n))
	switch {
	case err != nil:
		return -1, probeMiss, err
	case fd >= 0:
		return fd, probeHit, nil
	}
	return -1, probeMiss, nil
}

// scanPath reads the descriptor links of pid by path until one is
// s.want: the numbers in s.probes first, then, if all, the others.
func (f *Finder) scanPath(pid int, all bool, s *scratch) (int, error) {
	dfd, err := f.proc.openDir(pid)
	if err != nil {
		if err == errGone || err == unix.EACCES {
			return -1, nil
		}
		return -1, fmt.Errorf("procs: open fd directory of %d: %w", pid, err)
	}
	defer unix.Close(dfd)
	read := 0
	f.stats.fdScans.Add(1)
	for _, fd := range s.probes {
		read++
		if s.checkFD(dfd, nameZ(s.name[:], fd), int(fd)) {
			f.stats.fdsRead.Add(uint64(read))
			return int(fd), nil
		}
	}
	if !all {
		f.stats.fdsRead.Add(uint64(read))
		return -1, nil
	}
	fd, n, err := s.scanDir(dfd)
	f.stats.fdsRead.Add(uint64(read + n))
	return fd, err
}

// scanDir reads the links of the open fd directory dfd, but for the
// numbers in s.probes, until one is s.want: that descriptor or -1, and
// how many links it read. Descriptors 0-2 come last: they are most often
// the terminal or pipes, and a new process's socket is above them.
func (s *scratch) scanDir(dfd int) (fd, read int, err error) {
	var std [3]bool
	for {
		n, err := unix.Getdents(dfd, s.dents[:])
		if err != nil || n == 0 {
			if err != nil {
				return -1, read, gone0(err)
			}
			return s.scanStd(dfd, std, read)
		}
		d := dirents{b: s.dents[:n]}
		for {
			nameZ, done, err := d.next()
			if err != nil {
				return -1, read, err
			}
			if done {
				break
			}
			fd, ok := parsePID(nameZ[:len(nameZ)-1])
			if !ok || slices.Contains(s.probes, int32(fd)) {
				continue
			}
			if fd < len(std) {
				std[fd] = true
				continue
			}
			read++
			if s.checkFD(dfd, nameZ, fd) {
				return fd, read, nil
			}
		}
	}
}

// scanStd reads the links of descriptors 0-2 that std marks present.
func (s *scratch) scanStd(dfd int, std [3]bool, read int) (int, int, error) {
	for fd, present := range std {
		if !present {
			continue
		}
		read++
		if s.checkFD(dfd, nameZ(s.name[:], int32(fd)), fd) {
			return fd, read, nil
		}
	}
	return -1, read, nil
}

// checkFD reads descriptor link nameZ of the open fd directory dfd: true
// when it is s.want; a socket is recorded in s.seen.
func (s *scratch) checkFD(dfd int, nameZ []byte, fd int) bool {
	n, err := readlinkatZ(dfd, nameZ, s.fdl[:])
	if err != nil || n >= len(s.fdl) {
		return false // closed meanwhile, or too long for a socket link
	}
	link := s.fdl[:n]
	if bytes.Equal(link, s.want) {
		return true
	}
	if inode, ok := parseSocketLink(link); ok {
		s.seen = append(s.seen, seenSocket{inode: inode, fd: int32(fd)})
	}
	return false
}

// gone0 is nil for a directory whose process exited while being read.
func gone0(err error) error {
	if err == nil || gone(err) == errGone {
		return nil
	}
	return fmt.Errorf("procs: read fd directory: %w", err)
}

// holds reports whether descriptor fd of pid links to s.want.
func (f *Finder) holds(pid, fd int, s *scratch) bool {
	link, err := f.proc.readlink(pid, "fd/"+strconv.Itoa(fd), s.fdl[:])
	return err == nil && bytes.Equal(link, s.want)
}
