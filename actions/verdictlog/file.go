package verdictlog

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// fileMode is a new log file's.
const fileMode = 0o640

// errUnsafeFile is a log file that is not a regular file with one link
// owned by the daemon's user.
var errUnsafeFile = errors.New("verdictlog: not a regular file of the daemon's user with one link")

// fileSink appends to a log file, rotating it by size.
type fileSink struct {
	path    string
	name    string
	maxSize int64
	keep    int
	dir     int // the directory, O_PATH: renames and opens within it
	f       *os.File
	size    int64
	rotated *uint64 // counted in Stats
}

// openFile opens the log at path, creating it and its directory (0750)
// when missing.
func openFile(path string, maxSize int64, keep int, rotated *uint64) (*fileSink, error) {
	dir, name := filepath.Split(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("verdictlog: %w", err)
	}
	dfd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("verdictlog: open %s: %w", dir, err)
	}
	s := &fileSink{path: path, name: name, maxSize: maxSize, keep: keep, dir: dfd, rotated: rotated}
	if err := s.open(); err != nil {
		_ = unix.Close(dfd)
		return nil, err
	}
	return s, nil
}

// open opens (creates) the file at its name, never through a link.
func (s *fileSink) open() error {
	fd, err := unix.Openat(s.dir, s.name, unix.O_WRONLY|unix.O_APPEND|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC, fileMode)
	if err != nil {
		return fmt.Errorf("verdictlog: open %s: %w", s.path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		_ = unix.Close(fd)
		return fmt.Errorf("verdictlog: %s: %w", s.path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Nlink != 1 || int(st.Uid) != os.Geteuid() {
		_ = unix.Close(fd)
		return fmt.Errorf("%w: %s", errUnsafeFile, s.path)
	}
	s.f, s.size = os.NewFile(uintptr(fd), s.path), st.Size
	return nil
}

// write appends the lines b, rotating whenever the next would pass the
// size bound: every file holds whole lines (a single line longer than
// the bound has a file of its own).
func (s *fileSink) write(b []byte) error {
	for len(b) > 0 {
		if s.f == nil { // a rotation failed to open the new file: try again
			if err := s.open(); err != nil {
				return err
			}
		}
		n := len(b)
		if s.size+int64(n) > s.maxSize {
			n = bytes.LastIndexByte(b[:max(s.maxSize-s.size, 0)], '\n') + 1
			if n == 0 && s.size > 0 {
				if err := s.rotate(); err != nil {
					return err
				}
				continue
			}
			if n == 0 {
				n = bytes.IndexByte(b, '\n') + 1
				if n == 0 {
					n = len(b)
				}
			}
		}
		k, err := s.f.Write(b[:n])
		s.size += int64(k)
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// rotate shifts PATH.N-1 → PATH.N … PATH → PATH.1 and opens a new PATH.
func (s *fileSink) rotate() error {
	_ = s.f.Close()
	s.f = nil
	for i := s.keep - 1; i >= 1; i-- {
		err := unix.Renameat(s.dir, s.name+"."+strconv.Itoa(i), s.dir, s.name+"."+strconv.Itoa(i+1))
		if err != nil && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("verdictlog: rotate %s: %w", s.path, err)
		}
	}
	if err := unix.Renameat(s.dir, s.name, s.dir, s.name+".1"); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("verdictlog: rotate %s: %w", s.path, err)
	}
	*s.rotated++
	return s.open()
}

func (s *fileSink) close() error {
	var err error
	if s.f != nil {
		err = s.f.Close()
	}
	return errors.Join(err, unix.Close(s.dir))
}
