package program

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrRefused matches every *RefusedError.
var ErrRefused = errors.New("program refused")

// RefusedError is a program the package will not run: not found, not an
// absolute path, or one that someone other than root could change.
type RefusedError struct {
	Program string // as written in the command
	Path    string // where it was looked for or found
	Reason  string
}

func (e *RefusedError) Error() string {
	if e.Path == "" || e.Path == e.Program {
		return fmt.Sprintf("program %s refused: %s", e.Program, e.Reason)
	}
	return fmt.Sprintf("program %s (%s) refused: %s", e.Program, e.Path, e.Reason)
}

// Is matches ErrRefused.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// Resolve finds program: an absolute path as it is, a bare name in the
// absolute directories of pathList. A relative path is refused.
func Resolve(program, pathList string) (string, error) {
	if strings.Contains(program, "/") {
		if !filepath.IsAbs(program) {
			return "", &RefusedError{Program: program, Reason: "not an absolute path"}
		}
		return filepath.Clean(program), nil
	}
	for _, dir := range filepath.SplitList(pathList) {
		if !filepath.IsAbs(dir) {
			continue
		}
		p := filepath.Join(dir, program)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", &RefusedError{Program: program, Path: pathList, Reason: "not found in PATH"}
}

// OpenTrusted opens the program at path for running, refusing it unless
// only root can change it: an executable regular file owned by root and
// writable by no one else, reached from / through directories that only
// root can change (owned by root and neither group- nor world-writable,
// or, above the program's own directory, sticky like /tmp). A symbolic
// link's own directories are held to the same rule, since whoever can
// change them can point the link elsewhere. The walk holds each directory
// open and opens the next name inside it without following links, and the
// checks are made on what was opened: the file returned is the file that
// was checked, and Command.Exe runs exactly it, so no rename or exchange
// of a path after the check can put another program in its place.
// program is the name as written, for errors.
func OpenTrusted(program, path string) (*os.File, error) {
	refuse := func(err error) error {
		return &RefusedError{Program: program, Path: path, Reason: err.Error()}
	}
	li, err := os.Lstat(path)
	if err != nil {
		return nil, refuse(err)
	}
	if li.Mode()&fs.ModeSymlink != 0 {
		dir, err := filepath.EvalSymlinks(filepath.Dir(path))
		if err != nil {
			return nil, refuse(err)
		}
		fd, err := openDir(dir)
		if err != nil {
			return nil, refuse(err)
		}
		unix.Close(fd)
	}
	target, err := filepath.EvalSymlinks(path) // /bin -> usr/bin and the like
	if err != nil {
		return nil, refuse(err)
	}
	f, err := openFile(target)
	if err != nil {
		return nil, refuse(err)
	}
	return f, nil
}

// openDir walks from / to dir, which must be absolute and free of links,
// checking every directory on the way (dirOnlyRoot), and returns an O_PATH
// descriptor of dir.
func openDir(dir string) (int, error) {
	fd, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("/: %w", err)
	}
	var names []string
	if rel := strings.Trim(filepath.Clean(dir), "/"); rel != "" {
		names = strings.Split(rel, "/")
	}
	here := "/"
	for i, name := range append([]string{""}, names...) {
		if name != "" {
			next, err := unix.Openat(fd, name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			unix.Close(fd)
			here = filepath.Join(here, name)
			if err != nil {
				return -1, fmt.Errorf("%s: %w (a directory, not a link, is required)", here, err)
			}
			fd = next
		}
		if err := dirOnlyRoot(fd, here, i == len(names)); err != nil {
			unix.Close(fd)
			return -1, err
		}
	}
	return fd, nil
}

// openFile opens path (absolute, free of links) for running, after
// openDir has checked its directories, and checks the file opened.
func openFile(path string) (*os.File, error) {
	dfd, err := openDir(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	defer unix.Close(dfd)
	fd, err := unix.Openat(dfd, filepath.Base(path), unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := fileOnlyRoot(&st, path); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), path), nil
}

// dirOnlyRoot checks an open directory: owned by root and writable by no
// one else; a directory above the program's own may instead be sticky
// (others can add names to it but not replace root's).
func dirOnlyRoot(fd int, path string, own bool) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	sticky := st.Mode&unix.S_ISVTX != 0 && !own
	switch {
	case st.Uid != 0:
		return fmt.Errorf("%s is owned by uid %d, not root", path, st.Uid)
	case st.Mode&0o002 != 0 && !sticky:
		return fmt.Errorf("%s is world-writable", path)
	case st.Mode&0o020 != 0 && !sticky:
		return fmt.Errorf("%s is group-writable", path)
	}
	return nil
}

// fileOnlyRoot checks the opened program: a regular, executable file
// owned by root and writable by no one else.
func fileOnlyRoot(st *unix.Stat_t, path string) error {
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFREG:
		return fmt.Errorf("%s is not a regular file", path)
	case st.Uid != 0:
		return fmt.Errorf("%s is owned by uid %d, not root", path, st.Uid)
	case st.Mode&0o002 != 0:
		return fmt.Errorf("%s is world-writable", path)
	case st.Mode&0o020 != 0:
		return fmt.Errorf("%s is group-writable", path)
	case st.Mode&0o111 == 0:
		return fmt.Errorf("%s is not executable", path)
	}
	return nil
}
