package spool

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// ErrUnsafe: the spool's directory or one of its files could be changed
// by someone else than this process's user (a symlink, a hard link, the
// wrong owner, writable by others).
var ErrUnsafe = errors.New("spool: unsafe path")

// dir is the spool's directory, held open: every file is opened relative
// to it, so a directory renamed or replaced by a symlink after the check
// changes nothing.
type dir struct {
	path string
	fd   int
}

// openDir creates path (0700, its parents 0750) when missing, and checks
// it is a real directory owned by us and writable by no one else.
func openDir(path string) (*dir, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	if err := os.Mkdir(path, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("spool: %w", err)
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
			return nil, fmt.Errorf("%w: %s is not a directory (a symlink?)", ErrUnsafe, path)
		}
		return nil, fmt.Errorf("spool: open %s: %w", path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("spool: stat %s: %w", path, err)
	}
	if int(st.Uid) != os.Geteuid() || st.Mode&0o022 != 0 {
		unix.Close(fd)
		return nil, fmt.Errorf("%w: %s is owned by uid %d with mode %o (must be ours, writable by no one else)",
			ErrUnsafe, path, st.Uid, st.Mode&0o7777)
	}
	if st.Mode&0o077 != 0 {
		_ = unix.Fchmod(fd, 0o700) // records are ours alone
	}
	return &dir{path: path, fd: fd}, nil
}

func (d *dir) close() error { return unix.Close(d.fd) }

// names lists the directory's entries.
func (d *dir) names() ([]string, error) {
	f, err := os.Open(filepath.Join("/proc/self/fd", fmt.Sprint(d.fd)))
	if err != nil {
		return nil, fmt.Errorf("spool: list %s: %w", d.path, err)
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("spool: list %s: %w", d.path, err)
	}
	return names, nil
}

// create makes a new file name (0600), refusing one that exists (a
// planted symlink or file included).
func (d *dir) create(name string) (*os.File, error) {
	fd, err := unix.Openat(d.fd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("spool: create %s: %w", filepath.Join(d.path, name), err)
	}
	return os.NewFile(uintptr(fd), filepath.Join(d.path, name)), nil
}

// open opens an existing file for flags (O_RDONLY, O_RDWR; O_CREAT makes
// it 0600 when missing) when it is a regular file of ours with one link.
func (d *dir) open(name string, flags int) (*os.File, error) {
	path := filepath.Join(d.path, name)
	fd, err := unix.Openat(d.fd, name, flags|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0o600)
	if err != nil {
		if errors.Is(err, unix.ELOOP) {
			return nil, fmt.Errorf("%w: %s is a symlink", ErrUnsafe, path)
		}
		return nil, fmt.Errorf("spool: open %s: %w", path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("spool: stat %s: %w", path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Nlink != 1 || int(st.Uid) != os.Geteuid() {
		unix.Close(fd)
		return nil, fmt.Errorf("%w: %s is not a regular file of ours with one link (mode %o, links %d, uid %d)",
			ErrUnsafe, path, st.Mode, st.Nlink, st.Uid)
	}
	return os.NewFile(uintptr(fd), path), nil
}

// readAll reads name, at most limit bytes; more is reported by long.
func (d *dir) readAll(name string, limit int64) (b []byte, long bool, err error) {
	f, err := d.open(name, unix.O_RDONLY)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	b, err = io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, false, fmt.Errorf("spool: read %s: %w", f.Name(), err)
	}
	if int64(len(b)) > limit {
		return b[:limit], true, nil
	}
	return b, false, nil
}

func (d *dir) remove(name string) error {
	if err := unix.Unlinkat(d.fd, name, 0); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("spool: remove %s: %w", filepath.Join(d.path, name), err)
	}
	return nil
}

func (d *dir) sync() error { return unix.Fsync(d.fd) }
