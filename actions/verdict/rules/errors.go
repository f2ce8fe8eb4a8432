package rules

import (
	"errors"
	"fmt"
)

// Sentinel errors; every error of this package that callers branch on
// matches one of them with errors.Is.
var (
	// ErrInvalid matches every *FieldError: a rule or a rule line that is
	// not valid.
	ErrInvalid = errors.New("rules: invalid rule")
	// ErrDuplicate: Add of a rule identical to one already in the Set
	// (everything equal but ID, Created and Note). Add returns the rule
	// already there together with it.
	ErrDuplicate = errors.New("rules: identical rule already present")
	// ErrNotFound: no rule has that ID. Get and Delete report it as false;
	// callers (the CLI, the control socket) use it to say so.
	ErrNotFound = errors.New("rules: no such rule")
	// ErrResolve: Add of a rule whose host name does not resolve.
	ErrResolve = errors.New("rules: host name does not resolve")
)

// FieldError is what is wrong with one key of a rule (or its action).
type FieldError struct {
	Key string // "action", "exe", "port", …
	Err error
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

func fieldErr(key, format string, args ...any) *FieldError {
	return &FieldError{Key: key, Err: fmt.Errorf(format, args...)}
}

// ParseError is an error on one line of a rules file.
type ParseError struct {
	File string // the name given to Parse, or the path given to Load
	Line int    // 1-based
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

// Unwrap returns the underlying error (often a *FieldError).
func (e *ParseError) Unwrap() error { return e.Err }

// maxErrors bounds the errors one Parse reports before it stops.
const maxErrors = 20
