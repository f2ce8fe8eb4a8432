package signatures

import (
	"errors"
	"fmt"
)

// Errors RestoreState returns, inside a *StateError.
var (
	// ErrStateCorrupt: the blob is not an engine state, or it was damaged
	// (bad checksum, truncated, a value out of range).
	ErrStateCorrupt = errors.New("corrupt engine state")
	// ErrStateVersion: the blob is an engine state of a format version this
	// build does not read.
	ErrStateVersion = errors.New("unsupported engine state version")
)

// StateError is why RestoreState refused a blob. errors.Is matches it
// against ErrStateCorrupt or ErrStateVersion.
type StateError struct {
	Err     error  // ErrStateCorrupt or ErrStateVersion
	Version uint64 // the blob's format version, when it was read
	Offset  int    // byte offset where decoding stopped
	Detail  string
}

func (e *StateError) Error() string {
	return fmt.Sprintf("signatures: %v (version %d, offset %d): %s", e.Err, e.Version, e.Offset, e.Detail)
}

func (e *StateError) Unwrap() error { return e.Err }
