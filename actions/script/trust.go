package script

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrRefused matches every *RefusedError.
var ErrRefused = errors.New("script: program refused")

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

// resolve finds program: an absolute path as it is, a bare name in the
// absolute directories of pathList. A relative path is refused.
func resolve(program, pathList string) (string, error) {
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

// checkTrusted refuses path unless it is an executable regular file that
// only root can change, in a directory only root can change; a symbolic
// link's target and the target's directory are checked as well.
func checkTrusted(program, path string) error {
	refuse := func(err error) error {
		return &RefusedError{Program: program, Path: path, Reason: err.Error()}
	}
	li, err := os.Lstat(path)
	if err != nil {
		return refuse(err)
	}
	target := path
	if li.Mode()&fs.ModeSymlink != 0 {
		if target, err = filepath.EvalSymlinks(path); err != nil {
			return refuse(err)
		}
	}
	for _, dir := range []string{filepath.Dir(path), filepath.Dir(target)} {
		if _, err := onlyRoot(dir, true); err != nil {
			return refuse(err)
		}
	}
	fi, err := onlyRoot(target, false)
	if err == nil && fi.Mode()&0o111 == 0 {
		err = fmt.Errorf("%s is not executable", target)
	}
	if err != nil {
		return refuse(err)
	}
	return nil
}

// onlyRoot checks that path is a directory (dir) or a regular file owned
// by root and neither group- nor world-writable.
func onlyRoot(path string, dir bool) (fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case dir && !fi.IsDir():
		err = fmt.Errorf("%s is not a directory", path)
	case !dir && !fi.Mode().IsRegular():
		err = fmt.Errorf("%s is not a regular file", path)
	case !ok:
		err = fmt.Errorf("%s: no owner", path)
	case st.Uid != 0:
		err = fmt.Errorf("%s is owned by uid %d, not root", path, st.Uid)
	case fi.Mode().Perm()&0o002 != 0:
		err = fmt.Errorf("%s is world-writable", path)
	case fi.Mode().Perm()&0o020 != 0:
		err = fmt.Errorf("%s is group-writable", path)
	}
	return fi, err
}
