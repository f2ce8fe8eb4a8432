package kmsg

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// recordSize is the largest record the kernel returns from one read
// (CONSOLE_EXT_LOG_MAX); a smaller buffer makes read fail with EINVAL.
const recordSize = 8 << 10

// recordReader is the kernel boundary: /dev/kmsg, or a fake in tests.
type recordReader interface {
	// Read reads one record into b. An error wrapping syscall.EPIPE means
	// records were overwritten since the last read; the next read returns
	// the oldest record left.
	Read(b []byte) (int, error)
	// Interrupt makes a blocked Read, and every later one, return an
	// error. It is safe to call from another goroutine.
	Interrupt()
	Close() error
}

// opener opens path for reading, positioned after the last record when
// atEnd is set and at the oldest one otherwise.
type opener func(path string, atEnd bool) (recordReader, error)

// device is /dev/kmsg, read through the runtime's poller so that a
// deadline interrupts a blocked read.
type device struct{ f *os.File }

// errNotPollable is returned for a path whose reads a deadline cannot
// interrupt (not a character device that supports poll).
var errNotPollable = errors.New("reads cannot be interrupted (not pollable)")

func openDevice(path string, atEnd bool) (recordReader, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if err := f.SetReadDeadline(time.Time{}); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w: %w", path, errNotPollable, err)
	}
	if atEnd {
		if _, err := f.Seek(0, io.SeekEnd); err != nil {
			f.Close()
			return nil, fmt.Errorf("seek to end: %w", err)
		}
	}
	return device{f}, nil
}

func (d device) Read(b []byte) (int, error) { return d.f.Read(b) }

func (d device) Interrupt() { _ = d.f.SetReadDeadline(time.Unix(1, 0)) }

func (d device) Close() error { return d.f.Close() }
