package whitelist

import (
	"errors"
	"fmt"
	"net/netip"
)

// ErrRefused matches a *RefusedError: the prefix may not be blocked.
var ErrRefused = errors.New("whitelist: refused")

// RefusedError says why a prefix may not be blocked.
type RefusedError struct {
	Prefix netip.Prefix // the prefix asked for
	Why    Reason
	Entry  Protected // the protected prefix it overlaps
	// Untrusted is true when the request carried untrusted evidence and
	// the entry protects only against that.
	Untrusted bool
}

func (e *RefusedError) Error() string {
	switch e.Why {
	case ReasonNotLoaded, ReasonInvalid:
		return fmt.Sprintf("will not block %v: %s", e.Prefix, e.Why)
	}
	if e.Entry.UntrustedOnly {
		return fmt.Sprintf("will not block %v on untrusted evidence (syslog file): it overlaps %s", e.Prefix, e.Entry)
	}
	return fmt.Sprintf("will not block %v: it overlaps %s", e.Prefix, e.Entry)
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// ErrSyntax matches a *SyntaxError.
var ErrSyntax = errors.New("whitelist: syntax error")

// SyntaxError is a line of a whitelist file that is not an IP address, a
// CIDR network or a host name.
type SyntaxError struct {
	File string
	Line int // 1-based; 0 for an entry given to Add or Del
	Text string
	Err  error
}

func (e *SyntaxError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("whitelist entry %q: %v", e.Text, e.Err)
	}
	return fmt.Sprintf("%s:%d: %q: %v", e.File, e.Line, e.Text, e.Err)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrSyntax) true.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// Edit errors.
var (
	// ErrExists: Add of an entry the file already holds.
	ErrExists = errors.New("whitelist: entry already present")
	// ErrNotFound: Del of an entry the file does not hold.
	ErrNotFound = errors.New("whitelist: entry not found")
)

// ErrUnresolved matches an *UnresolvedError.
var ErrUnresolved = errors.New("whitelist: host name does not resolve")

// UnresolvedError: a host name given to Add that does not resolve.
type UnresolvedError struct {
	Host string
	Err  error
}

func (e *UnresolvedError) Error() string {
	return fmt.Sprintf("whitelist: host name %s does not resolve (%v); nothing added (an entry that protects nothing would look like protection)", e.Host, e.Err)
}

func (e *UnresolvedError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUnresolved) true.
func (e *UnresolvedError) Is(target error) bool { return target == ErrUnresolved }
