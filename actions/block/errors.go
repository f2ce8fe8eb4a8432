package block

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// Sentinels. A *KernelError matches the one of its kind with errors.Is, a
// *SetError matches ErrSetMismatch, a *ParseError ErrSyntax.
var (
	// ErrNotBlocked: Unblock of a prefix neither the store nor the kernel
	// has.
	ErrNotBlocked = errors.New("block: not blocked")
	// ErrPrefix: a prefix that cannot be blocked (invalid, or /0).
	ErrPrefix = errors.New("block: invalid prefix")
	// ErrNoSet: the set does not exist (Ensure was not called, or someone
	// destroyed it).
	ErrNoSet = errors.New("block: no such set")
	// ErrSetFull: the set holds its maxelem entries.
	ErrSetFull = errors.New("block: set is full")
	// ErrNotInSet: Del of an entry the set does not hold.
	ErrNotInSet = errors.New("block: not in set")
	// ErrSetMismatch: a set exists with another type or family, or without
	// timeout support.
	ErrSetMismatch = errors.New("block: set does not fit")
	// ErrTooMany: a bulk list longer than SetsConfig.BulkMaxElem.
	ErrTooMany = errors.New("block: too many entries")
	// ErrSyntax: a line of a bulk list that is not an address or network.
	ErrSyntax = errors.New("block: syntax error")
)

// KernelError is an ipset operation the kernel refused or could not answer.
type KernelError struct {
	Op     string       // create, list, add, del, test, swap, destroy, bulk add
	Set    string       // the set operated on
	Prefix netip.Prefix // the entry, when the operation was about one
	Err    error        // the kernel's answer (a syscall.Errno or nl.IPSetError)
	kind   error        // the sentinel it matches; nil for none
}

func (e *KernelError) Error() string {
	what := e.Err.Error()
	if e.kind != nil {
		what = fmt.Sprintf("%s (%v)", e.kind.Error()[len("block: "):], e.Err)
	}
	if e.Prefix.IsValid() {
		return fmt.Sprintf("block: ipset %s %s in %s: %s", e.Op, e.Prefix, e.Set, what)
	}
	return fmt.Sprintf("block: ipset %s %s: %s", e.Op, e.Set, what)
}

func (e *KernelError) Unwrap() error { return e.Err }

// Is matches the sentinel of the error's kind.
func (e *KernelError) Is(target error) bool { return e.kind != nil && target == e.kind }

// ipset's type-specific error of the hash types when the set is full
// (IPSET_ERR_HASH_FULL, the first type-specific code).
const errHashFull = nl.IPSET_ERR_TYPE_SPECIFIC

// kernelErr wraps err from the kernel; nil stays nil.
func kernelErr(op, set string, p netip.Prefix, err error) error {
	if err == nil {
		return nil
	}
	ke := &KernelError{Op: op, Set: set, Prefix: p, Err: err}
	var code uintptr
	var ie nl.IPSetError
	var errno syscall.Errno
	switch {
	case errors.As(err, &ie):
		code = uintptr(ie)
	case errors.As(err, &errno):
		code = uintptr(errno)
	}
	switch {
	case code == uintptr(unix.ENOENT):
		ke.kind = ErrNoSet
	case code == errHashFull:
		ke.kind = ErrSetFull
	case code == nl.IPSET_ERR_EXIST && op == "del":
		ke.kind = ErrNotInSet
	case code == nl.IPSET_ERR_TYPE_MISMATCH, code == nl.IPSET_ERR_TIMEOUT, code == nl.IPSET_ERR_INVALID_FAMILY:
		ke.kind = ErrSetMismatch
	}
	return ke
}

// SetError is a set that exists but does not fit its use.
type SetError struct {
	Set     string
	Problem string // "type is hash:ip, want hash:net", …
}

func (e *SetError) Error() string {
	return fmt.Sprintf("block: ipset %s exists but %s: destroy it (ipset destroy %s) or configure another name",
		e.Set, e.Problem, e.Set)
}

// Is makes errors.Is(err, ErrSetMismatch) true.
func (e *SetError) Is(target error) bool { return target == ErrSetMismatch }

// ParseError is a line of a bulk list that is not an address or network.
type ParseError struct {
	File string
	Line int // 1-based
	Text string
	Err  error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %q: %v", e.File, e.Line, e.Text, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrSyntax) true.
func (e *ParseError) Is(target error) bool { return target == ErrSyntax }
