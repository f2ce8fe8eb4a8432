package nfq

import "errors"

// Errors callers branch on.
var (
	// ErrMessage: a datagram from the queue that cannot be read (a
	// truncated header or attribute); the rest of the datagram is skipped.
	ErrMessage = errors.New("nfq: malformed message")
	// ErrClosed: the queue was closed.
	ErrClosed = errors.New("nfq: queue closed")
)

// KernelError is an error the kernel answered a request with.
type KernelError struct {
	Op    string // what was asked: "bind", "params", "flags", "verdict"
	Errno error  // a unix.Errno
}

func (e *KernelError) Error() string { return "nfq: " + e.Op + ": " + e.Errno.Error() }
func (e *KernelError) Unwrap() error { return e.Errno }
