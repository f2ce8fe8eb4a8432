package daemon

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// lockName is the lock file in the daemon's state directory (the
// directory of its database).
const lockName = "ifw.lock"

// stateLock is the daemon's hold on its state directory: an exclusive
// flock(2) on ifw.lock, which holds the daemon's PID. The kernel drops the
// lock when the process ends, kill -9 included, so a stale file never
// blocks a start.
type stateLock struct {
	f *os.File
}

// InUseError: another daemon holds a lock ifw needs.
type InUseError struct {
	What string // what is in use, e.g. "the state directory /var/lib/ifw"
	PID  int    // the holder's PID; 0 when unknown
}

func (e *InUseError) Error() string {
	pid := "PID unknown"
	if e.PID > 0 {
		pid = "PID " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("another ifw daemon (%s) already uses %s; stop it first (one daemon per state directory and per ipset)", pid, e.What)
}

// lockStateDir takes the state directory's lock, creating the directory
// (0750) and the file as needed; an *InUseError when another daemon has it.
func lockStateDir(dir string) (*stateLock, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o640)
	if err != nil {
		return nil, fmt.Errorf("state directory lock: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		pid := readPID(f)
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, &InUseError{What: fmt.Sprintf("the state directory %s (lock %s)", dir, path), PID: pid}
		}
		return nil, fmt.Errorf("state directory lock %s: %w", path, err)
	}
	if err := writePID(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("state directory lock %s: %w", path, err)
	}
	return &stateLock{f: f}, nil
}

// readPID reads the PID a lock file holds; 0 when it holds none.
func readPID(f *os.File) int {
	b, err := io.ReadAll(io.LimitReader(io.NewSectionReader(f, 0, 32), 32))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

func writePID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}

// release drops the lock. The file stays (removing it would let a third
// daemon lock a new file while a second still waits on the old one).
func (l *stateLock) release() {
	if l != nil {
		l.f.Close()
	}
}
