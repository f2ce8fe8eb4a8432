package procs

import (
	"encoding/binary"
	"fmt"
)

// direntHeader is the fixed part of struct linux_dirent64: d_ino (8),
// d_off (8), d_reclen (2), d_type (1); the NUL-terminated name follows.
const direntHeader = 19

// dirents walks the records getdents64 wrote into a buffer, without
// allocating.
type dirents struct {
	b []byte
}

// next returns the next entry's name with its terminating NUL (nameZ),
// ready to pass to a system call; done at the end of the buffer.
func (d *dirents) next() (nameZ []byte, done bool, err error) {
	if len(d.b) == 0 {
		return nil, true, nil
	}
	if len(d.b) < direntHeader {
		return nil, true, fmt.Errorf("%w: dirent of %d bytes", errMalformed, len(d.b))
	}
	n := int(binary.NativeEndian.Uint16(d.b[16:]))
	if n <= direntHeader || n > len(d.b) {
		return nil, true, fmt.Errorf("%w: dirent length %d of %d bytes", errMalformed, n, len(d.b))
	}
	rec := d.b[direntHeader:n]
	d.b = d.b[n:]
	for i, c := range rec {
		if c == 0 {
			return rec[:i+1], false, nil
		}
	}
	return nil, true, fmt.Errorf("%w: dirent name without a NUL", errMalformed)
}
