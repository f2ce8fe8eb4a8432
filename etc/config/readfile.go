package config

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// Size limits of the files ifw.conf names (and of ifw.conf itself): far
// above any real one, low enough that a wrong path (/dev/zero, a log file)
// fails at once instead of filling memory.
const (
	maxConfFile = 1 << 20
	maxListFile = 16 << 20 // signatures, auto_dl
)

// openRegular opens path for reading, refusing what is not a regular file
// (a device such as /dev/zero, a FIFO that would block the open) and a
// file larger than max.
func openRegular(path string, max int64) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
	case !fi.Mode().IsRegular():
		err = fmt.Errorf("%s is not a regular file", path)
	case fi.Size() > max:
		err = fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// readRegular reads a whole regular file of at most max bytes.
func readRegular(path string, max int64) ([]byte, error) {
	f, err := openRegular(path, max)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(data)) > max { // it grew since the stat
		err = fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return data, err
}
