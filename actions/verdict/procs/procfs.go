package procs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// procFS reads a procfs tree through a descriptor of its root, so that
// paths are short and relative ("PID/stat") and the tree can be a
// fabricated one in tests.
type procFS struct {
	path string
	fd   int // O_PATH descriptor of the root
}

func openProcFS(path string) (*procFS, error) {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("procs: open %s: %w", path, err)
	}
	return &procFS{path: path, fd: fd}, nil
}

func (p *procFS) close() error { return unix.Close(p.fd) }

// errGone says the process (or its descriptor) went away while being read.
var errGone = errors.New("procs: process gone")

// gone maps the errors of a vanished process to errGone.
func gone(err error) error {
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH) {
		return errGone
	}
	return err
}

// open opens PID/name for reading.
func (p *procFS) open(pid int, name string) (int, error) {
	fd, err := unix.Openat(p.fd, strconv.Itoa(pid)+"/"+name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, gone(err)
	}
	return fd, nil
}

// readFile reads up to len(buf) bytes of PID/name.
func (p *procFS) readFile(pid int, name string, buf []byte) ([]byte, error) {
	fd, err := p.open(pid, name)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	return readAll(fd, buf)
}

// readAll reads the open file fd from its start into buf. A procfs file
// gives all it has to one read with room for it: a short read is the
// end, which spares the read that would return 0. A procfs file of a
// process that exited reads as ESRCH: errGone.
func readAll(fd int, buf []byte) ([]byte, error) {
	n := 0
	for n < len(buf) {
		k, err := unix.Pread(fd, buf[n:], int64(n))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, gone(err)
		}
		n += k
		if k == 0 || n < len(buf) {
			break
		}
	}
	return buf[:n], nil
}

// readlink reads the link PID/name (exe, fd/N) into buf.
func (p *procFS) readlink(pid int, name string, buf []byte) ([]byte, error) {
	n, err := unix.Readlinkat(p.fd, strconv.Itoa(pid)+"/"+name, buf)
	if err != nil {
		return nil, gone(err)
	}
	return buf[:n], nil
}

// owner is the user procfs shows as owning /proc/PID: the process's
// effective user ID (root for processes that are not dumpable).
func (p *procFS) owner(pid int) (uint32, error) {
	var st unix.Stat_t
	if err := unix.Fstatat(p.fd, strconv.Itoa(pid), &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return 0, gone(err)
	}
	return st.Uid, nil
}

// openDir opens PID/fd, or the root for pid 0, for reading entries.
func (p *procFS) openDir(pid int) (int, error) {
	name := "."
	if pid != 0 {
		name = strconv.Itoa(pid) + "/fd"
	}
	fd, err := unix.Openat(p.fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, gone(err)
	}
	return fd, nil
}

// pids lists the processes (thread group leaders) of the tree into dst.
func (p *procFS) pids(dst []int, buf []byte) ([]int, error) {
	dfd, err := p.openDir(0)
	if err != nil {
		return dst, fmt.Errorf("procs: list %s: %w", p.path, err)
	}
	defer unix.Close(dfd)
	for {
		n, err := unix.Getdents(dfd, buf)
		if err != nil {
			return dst, fmt.Errorf("procs: list %s: %w", p.path, err)
		}
		if n == 0 {
			return dst, nil
		}
		d := dirents{b: buf[:n]}
		for {
			nameZ, done, err := d.next()
			if err != nil {
				return dst, err
			}
			if done {
				break
			}
			if pid, ok := parsePID(nameZ[:len(nameZ)-1]); ok {
				dst = append(dst, pid)
			}
		}
	}
}

// readlinkatZ is readlinkat(2) of a NUL-terminated name: the unix package
// would allocate a copy of the name on every call, once per descriptor of
// every process scanned.
func readlinkatZ(dirfd int, nameZ []byte, buf []byte) (int, error) {
	r, _, e := unix.Syscall6(unix.SYS_READLINKAT, uintptr(dirfd),
		uintptr(unsafe.Pointer(&nameZ[0])), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// hostRoot is PID 1's root seen through procfs: paths under it resolve in
// the host's mount namespace, whatever namespace the daemon runs in (a
// unit's ProtectHome or ProtectSystem makes one of its own).
const hostRoot = "1/root"

// foreignExe reports whether the executable pid runs is not the file its
// path exe names on the host (compared by device and inode), and then the
// process's mount namespace number. A bind mount made in a private mount
// namespace can show another program under a trusted path; this is how it
// is told apart. The host's view is PID 1's root; where that is closed to
// the daemon (no CAP_SYS_PTRACE, a sandbox), its own view stands in.
func (p *procFS) foreignExe(pid int, exe string, buf []byte) (ns string, foreign bool) {
	var host, proc unix.Stat_t
	if unix.Fstatat(p.fd, strconv.Itoa(pid)+"/exe", &proc, 0) != nil {
		return "", false // gone: the lookup fails on its own
	}
	err := unix.Fstatat(p.fd, hostRoot+exe, &host, 0)
	if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) || p.path != "/proc" && err != nil {
		err = unix.Stat(exe, &host)
	}
	if err == nil && host.Dev == proc.Dev && host.Ino == proc.Ino {
		return "", false
	}
	ns = "0"
	if link, err := p.readlink(pid, "ns/mnt", buf); err == nil { // "mnt:[4026531841]"
		if inner, ok := strings.CutPrefix(string(link), "mnt:["); ok {
			ns = strings.TrimSuffix(inner, "]")
		}
	}
	return ns, true
}
