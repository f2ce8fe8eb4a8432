package main

import (
	"bytes"
	"os"
	"syscall"
)

// mapped maps a regular, non-empty, uncompressed file into memory, so lines
// are read in place with no copy; false leaves in to be read as a stream.
func mapped(in *input, f *os.File, st os.FileInfo) bool {
	size := st.Size()
	if !st.Mode().IsRegular() || size <= 0 || size != int64(int(size)) {
		return false
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_PRIVATE)
	if err != nil {
		return false
	}
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		syscall.Munmap(data)
		return false
	}
	_ = syscall.Madvise(data, syscall.MADV_SEQUENTIAL)
	closeFile := in.close
	in.data = data
	in.close = func() error {
		err := syscall.Munmap(data)
		if cerr := closeFile(); err == nil {
			err = cerr
		}
		return err
	}
	return true
}
