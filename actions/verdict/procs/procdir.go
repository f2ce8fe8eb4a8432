package procs

import (
	"errors"
	"fmt"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// errDirClosed says a procDir was closed (evicted) under its user.
var errDirClosed = errors.New("procs: process directory closed")

// exeZ and commName are the names read through a procDir.
var exeZ = []byte("exe\x00")

const commName = "comm"

// procDir pins one process: an open descriptor of its /proc/PID
// directory, and of the comm file in it. Procfs binds both to the
// process instance (its struct pid), not to the PID number: once the
// process exits and is reaped, readlinkat(dir, "fd/N") and
// readlinkat(dir, "exe") fail (ENOENT) and reading comm fails (ESRCH),
// even after another process got the same PID (TestProcDirPIDReuse
// checks it). So a link read through dir is the pinned process's, and a
// comm read that succeeds proves it alive until then: no start time has
// to be read again to rule out PID reuse.
//
// mu guards the descriptors' numbers: every use holds it shared, and
// close holds it exclusively, so that a close by an eviction can never
// make a lookup use a number the kernel has given to another file.
type procDir struct {
	start uint64 // the pinned process's start time

	mu   sync.RWMutex
	dir  int // -1 once closed
	comm int
}

// openProcDir pins the process that has PID pid now; the caller checks
// that it is the one that started at start.
func openProcDir(p *procFS, pid int, start uint64) (*procDir, error) {
	dir, err := unix.Openat(p.fd, strconv.Itoa(pid), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("procs: open process directory %d: %w", pid, gone(err))
	}
	comm, err := unix.Openat(dir, commName, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		_ = unix.Close(dir)
		return nil, fmt.Errorf("procs: open comm of %d: %w", pid, gone(err))
	}
	return &procDir{start: start, dir: dir, comm: comm}, nil
}

// readlink reads the link nameZ (NUL-terminated, relative to the
// directory) into buf.
func (d *procDir) readlink(nameZ, buf []byte) ([]byte, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.dir < 0 {
		return nil, errDirClosed
	}
	n, err := readlinkatZ(d.dir, nameZ, buf)
	if err != nil {
		return nil, gone(err)
	}
	return buf[:n], nil
}

// openFDs opens the process's descriptor directory: bound to the same
// process as the pin, so links read through it are that process's, and
// it reads as gone once that process is reaped, whoever has the PID.
func (d *procDir) openFDs() (int, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.dir < 0 {
		return -1, errDirClosed
	}
	fd, err := unix.Openat(d.dir, "fd", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, gone(err)
	}
	return fd, nil
}

// readComm reads the process's name, without the newline procfs ends it
// with, into buf: errGone once the process is gone.
func (d *procDir) readComm(buf []byte) ([]byte, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.dir < 0 {
		return nil, errDirClosed
	}
	b, err := readAll(d.comm, buf)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return nil, fmt.Errorf("%w: comm %q", errMalformed, b)
	}
	return b[:len(b)-1], nil
}

// exeKey identifies the executable the process runs, for hashing.
func (d *procDir) exeKey() (fileKey, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.dir < 0 {
		return fileKey{}, errDirClosed
	}
	var st unix.Stat_t
	if err := unix.Fstatat(d.dir, "exe", &st, 0); err != nil {
		return fileKey{}, gone(err)
	}
	return fileKeyOf(&st), nil
}

// close closes the descriptors once no one uses them; later uses get
// errDirClosed.
func (d *procDir) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dir < 0 {
		return
	}
	_ = unix.Close(d.comm)
	_ = unix.Close(d.dir)
	d.dir, d.comm = -1, -1
}

// alive reports whether the pinned process has not been reaped, reading
// its name (buf is scratch space): a process that exited but was not
// reaped yet (a zombie) is alive and holds no descriptor.
func (d *procDir) alive(buf []byte) bool {
	_, err := d.readComm(buf)
	return err == nil
}
