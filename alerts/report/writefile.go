package report

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Modes of what WriteFile creates: directories 0750 and report files
// 0640, owned by whoever runs ifw (root for the daemon and the timer).
const (
	dirMode     = 0o750
	fileMode    = 0o640
	maxLinkHops = 40 // as the kernel's own limit
)

// ErrUntrustedLink is a symbolic link on the way to a report directory
// that someone other than root or the caller made.
var ErrUntrustedLink = errors.New("symbolic link owned by another user")

// WriteFile writes a rendered report, data, to path whole or not at all:
// into a new file beside it (fileMode, never through a link), then renamed
// over it. The directories on the way are created when missing (dirMode,
// a fresh install's /var/lib/ifw/reports), one at a time from the root,
// following a symbolic link only when root or the caller owns it: a link
// another user planted (in /tmp, say) cannot send the report elsewhere
// (ErrUntrustedLink).
func WriteFile(path string, data []byte) error {
	dir, name := filepath.Split(filepath.Clean(path))
	if name == "" || name == "." || name == ".." || name == "/" {
		return fmt.Errorf("%s: not a file name", path)
	}
	d, err := openReportDir(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	dfd := int(d.Fd())
	tmp, fd, err := createTemp(dfd, name)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	f := os.NewFile(uintptr(fd), filepath.Join(dir, tmp))
	_, err = f.Write(data)
	err = errors.Join(err, f.Sync(), f.Close())
	if err == nil {
		err = unix.Renameat(dfd, tmp, dfd, name)
	}
	if err != nil {
		_ = unix.Unlinkat(dfd, tmp, 0)
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// createTemp makes a new file ".NAME.XXXXXXXX" in the directory dfd,
// never through a link, and returns its name and descriptor.
func createTemp(dfd int, name string) (string, int, error) {
	for range 10 {
		var b [4]byte
		_, _ = rand.Read(b[:])
		tmp := "." + name + "." + hex.EncodeToString(b[:])
		fd, err := unix.Openat(dfd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, fileMode)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		return tmp, fd, err
	}
	return "", -1, errors.New("no free temporary name")
}

// openReportDir opens dir, creating the missing directories on the way
// (dirMode), one component at a time from the root without following
// a symbolic link unless root or the caller owns it: a link another user
// planted (in /tmp, say) cannot send the report elsewhere.
func openReportDir(dir string) (*os.File, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for hops := 0; ; hops++ {
		if hops > maxLinkHops {
			return nil, fmt.Errorf("%s: too many symbolic links", dir)
		}
		f, next, err := walkDir(abs)
		if err != nil || next == "" {
			if err != nil {
				err = fmt.Errorf("report directory %s: %w", dir, err)
			}
			return f, err
		}
		abs = next
	}
}

// walkDir opens the absolute path abs component by component, creating
// missing ones. When it meets a trusted symbolic link it returns, instead
// of a directory, the path with the link replaced by its target.
func walkDir(abs string) (*os.File, string, error) {
	fd, err := unix.Open("/", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, "", err
	}
	parts := strings.Split(strings.Trim(abs, "/"), "/")
	done := "/"
	for i, part := range parts {
		if part == "" || part == "." {
			continue
		}
		nfd, next, err := step(fd, done, part, parts[i+1:])
		unix.Close(fd)
		if err != nil || next != "" {
			return nil, next, err
		}
		fd, done = nfd, filepath.Join(done, part)
	}
	return os.NewFile(uintptr(fd), abs), "", nil
}

// step opens the directory part of the directory fd (at path done),
// creating it when missing; a symbolic link gives the path to walk again
// (its target followed by rest) when root or the caller owns it.
func step(fd int, done, part string, rest []string) (int, string, error) {
	const flags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	nfd, err := unix.Openat(fd, part, flags, 0)
	if errors.Is(err, unix.ENOENT) {
		if err := unix.Mkdirat(fd, part, dirMode); err != nil && !errors.Is(err, unix.EEXIST) {
			return -1, "", fmt.Errorf("create %s: %w", filepath.Join(done, part), err)
		}
		nfd, err = unix.Openat(fd, part, flags, 0)
	}
	if !errors.Is(err, unix.ENOTDIR) && !errors.Is(err, unix.ELOOP) {
		return nfd, "", err
	}
	var st unix.Stat_t
	if serr := unix.Fstatat(fd, part, &st, unix.AT_SYMLINK_NOFOLLOW); serr != nil || st.Mode&unix.S_IFMT != unix.S_IFLNK {
		return -1, "", fmt.Errorf("%s: not a directory", filepath.Join(done, part))
	}
	if st.Uid != 0 && int(st.Uid) != os.Geteuid() {
		return -1, "", fmt.Errorf("%s: %w (uid %d)", filepath.Join(done, part), ErrUntrustedLink, st.Uid)
	}
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlinkat(fd, part, buf)
	if err != nil {
		return -1, "", err
	}
	target := string(buf[:n])
	if !filepath.IsAbs(target) {
		target = filepath.Join(done, target)
	}
	return -1, filepath.Join(append([]string{target}, rest...)...), nil
}
