package procs

import "errors"

// Errors Lookup returns; compare with errors.Is.
var (
	// ErrNoSocket: sock_diag knows no socket for the tuple (it closed, or
	// the packet was not sent by a local socket of this namespace).
	ErrNoSocket = errors.New("procs: no socket for the tuple")
	// ErrNoProcess: the socket exists but no live process holds a file
	// descriptor to it: a TIME_WAIT or orphaned (closed, still sending)
	// TCP socket, which has inode 0, or a kernel socket (WireGuard, NFS),
	// or a descriptor that was closed or is in flight between processes.
	// Owner.Inode and Owner.UID are filled in.
	ErrNoProcess = errors.New("procs: no process holds the socket")
	// ErrUnsupported: the protocol is not TCP, UDP or UDP-Lite.
	ErrUnsupported = errors.New("procs: protocol not supported")
	// ErrInvalidTuple: an address or port is missing, or the two ends are
	// of different families.
	ErrInvalidTuple = errors.New("procs: invalid tuple")
	// ErrSlow: LookupQuick did not find the process with its few reads;
	// Lookup searches further.
	ErrSlow = errors.New("procs: the process needs a search")
	// ErrClosed: the Finder was closed.
	ErrClosed = errors.New("procs: finder closed")
	// ErrConfig matches every error Config.Validate returns (an
	// *etc.ConfigError).
	ErrConfig = errors.New("procs: invalid config")
)

// errMalformed wraps a sock_diag reply or /proc file that cannot be read.
var errMalformed = errors.New("procs: malformed")
