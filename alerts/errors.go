package alerts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinels a *StorageError matches with errors.Is: ErrStorage always, and
// the one of its Fault.
var (
	ErrStorage  = errors.New("alert store failure")
	ErrFull     = errors.New("disk full")
	ErrReadOnly = errors.New("database is read-only")
	ErrClosed   = errors.New("store is closed")
	ErrCorrupt  = errors.New("database is corrupt")
	ErrBusy     = errors.New("database is locked by another process")
	ErrIO       = errors.New("disk I/O error")
	// ErrUnavailable: a database server (PostgreSQL) that cannot be
	// reached: down, restarting, the network or socket gone. The write
	// may succeed later; the caller keeps it (the outage spool).
	ErrUnavailable = errors.New("database is unreachable")
)

// Errors that are not storage faults.
var (
	// ErrInvalid: an argument the store refuses (an alert without source,
	// a level out of range, an empty state key).
	ErrInvalid = errors.New("invalid argument")
	// ErrUnknownAlert: AddOutcome for an alert the store does not have.
	ErrUnknownAlert = errors.New("no such alert")
)

// Fault is the kind of a storage failure.
type Fault int

// Faults.
const (
	FaultOther Fault = iota
	FaultFull
	FaultReadOnly
	FaultClosed
	FaultCorrupt
	FaultBusy
	FaultIO
	FaultUnavailable
)

var faultErrs = [...]error{nil, ErrFull, ErrReadOnly, ErrClosed, ErrCorrupt, ErrBusy, ErrIO, ErrUnavailable}

// StorageError is a failure of the database underneath a Store.
type StorageError struct {
	Op    string // what the store was doing: "add alert", "open", …
	Path  string
	Fault Fault
	Err   error // the driver's or the system's error
}

func (e *StorageError) Error() string {
	what := "storage failure"
	if f := faultErrs[e.Fault]; f != nil {
		what = f.Error()
	}
	return fmt.Sprintf("alerts: %s %s: %s: %v", e.Op, e.Path, what, e.Err)
}

func (e *StorageError) Unwrap() error { return e.Err }

// Is matches ErrStorage and the sentinel of e's fault.
func (e *StorageError) Is(target error) bool {
	return target == ErrStorage || target != nil && target == faultErrs[e.Fault]
}

// SchemaError: the database has a schema version this build does not know
// (a newer ifw wrote it).
type SchemaError struct {
	Path         string
	Found, Known int
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("alerts: %s: schema version %d is newer than this build's %d", e.Path, e.Found, e.Known)
}

// fail wraps err from op: context errors as they are, the rest as a
// *StorageError.
func (s *Store) fail(op string, err error) error {
	if err != nil && s.d.pg {
		// A deadline met while the server could not be reached (a connect
		// that timed out) is ErrUnavailable, and still the context's error.
		if f, ok := classifyPG(err); ok && (f == FaultUnavailable || !isCtx(err)) {
			return &StorageError{Op: op, Path: s.where, Fault: f, Err: err}
		}
	}
	return wrapErr(op, s.where, err)
}

// isCtx reports whether err is the context's end.
func isCtx(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func wrapErr(op, path string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("alerts: %s: %w", op, err)
	}
	var se *StorageError
	if errors.As(err, &se) {
		return err
	}
	return &StorageError{Op: op, Path: path, Fault: classify(err), Err: err}
}

// classify finds the fault behind a driver or system error.
func classify(err error) Fault {
	var le *sqlite.Error
	if errors.As(err, &le) {
		switch le.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return FaultFull
		case sqlite3.SQLITE_READONLY:
			return FaultReadOnly
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return FaultCorrupt
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return FaultBusy
		case sqlite3.SQLITE_IOERR:
			return FaultIO
		}
	}
	switch {
	case errors.Is(err, ErrClosed), strings.Contains(err.Error(), "sql: database is closed"):
		return FaultClosed
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return FaultFull
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return FaultReadOnly
	}
	return FaultOther
}
