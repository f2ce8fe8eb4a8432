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
// if all, the others in directory order. Every socket met on the way is
// appended to s.seen. A process that is gone or not readable is not an
// error.
func (f *Finder) scanFDs(pid int, all bool, s *scratch) (int, error) {
	dfd, err := f.proc.openDir(pid)
	if err != nil {
		if err == errGone || err == unix.EACCES {
			return -1, nil
		}
		return -1, fmt.Errorf("procs: open fd directory of %d: %w", pid, err)
	}
	defer unix.Close(dfd)
	f.stats.fdScans.Add(1)
	for i, fd := range s.probes {
		if s.checkFD(dfd, nameZ(s.name[:], fd), int(fd)) {
			f.stats.fdsRead.Add(uint64(i + 1))
			return int(fd), nil
		}
	}
	if !all {
		f.stats.fdsRead.Add(uint64(len(s.probes)))
		return -1, nil
	}
	fd, read, err := s.scanDir(dfd)
	f.stats.fdsRead.Add(uint64(len(s.probes) + read))
	return fd, err
}

// scanDir reads the links of the open fd directory dfd, but for the
// numbers in s.probes, until one is s.want: that descriptor or -1, and
// how many links it read.
func (s *scratch) scanDir(dfd int) (fd, read int, err error) {
	for {
		n, err := unix.Getdents(dfd, s.dents[:])
		if err != nil || n == 0 {
			return -1, read, gone0(err)
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
			read++
			if s.checkFD(dfd, nameZ, fd) {
				return fd, read, nil
			}
		}
	}
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
