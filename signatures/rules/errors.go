package rules

import (
	"errors"
	"fmt"
)

// ParseError is a syntax or semantic error in a rules file.
type ParseError struct {
	File string // the name given to Parse, or the path given to Load
	Line int    // 1-based line where the rule starts
	Msg  string // what is wrong
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// maxErrors bounds the errors one Parse reports before it stops.
const maxErrors = 20

// errorList collects ParseErrors of one file.
type errorList struct {
	file string
	errs []error
}

func (l *errorList) add(line int, err error) {
	l.errs = append(l.errs, &ParseError{File: l.file, Line: line, Msg: err.Error()})
}

func (l *errorList) full() bool { return len(l.errs) >= maxErrors }

// err joins the collected errors; errors.As finds the first *ParseError.
func (l *errorList) err() error { return errors.Join(l.errs...) }
