package control

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/actions/whitelist"
	"github.com/ifw/ifw/alerts"
)

// httpError is an error with the status code the client should see.
type httpError struct {
	code int
	err  error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// badRequest marks err as the client's mistake.
func badRequest(err error) error { return &httpError{code: http.StatusBadRequest, err: err} }

// unavailable: a part of the daemon that is off.
func unavailable(what string) error {
	return &httpError{code: http.StatusServiceUnavailable, err: errors.New(what)}
}

// blockError maps the blocking module's errors to status codes.
func blockError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, whitelist.ErrRefused), errors.Is(err, whitelist.ErrExists):
		return &httpError{code: http.StatusConflict, err: err}
	case errors.Is(err, block.ErrNotBlocked), errors.Is(err, alerts.ErrNotBlocked), errors.Is(err, whitelist.ErrNotFound):
		return &httpError{code: http.StatusNotFound, err: err}
	case errors.Is(err, whitelist.ErrUnresolved):
		return &httpError{code: http.StatusUnprocessableEntity, err: err}
	case errors.Is(err, whitelist.ErrSyntax), errors.Is(err, block.ErrPrefix):
		return badRequest(err)
	}
	return err
}

// outboundError gives the outbound module's errors their status, and the
// words a user reads: "no rule 99", not the chain of packages.
func outboundError(err error, what string, id uint64) error {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, verdict.ErrNoQuestion), errors.Is(err, rules.ErrNotFound):
		return &httpError{code: http.StatusNotFound, err: fmt.Errorf("no %s %d", what, id)}
	case errors.Is(err, verdict.ErrNotOwner):
		code = http.StatusForbidden
	case errors.Is(err, verdict.ErrStopped):
		code = http.StatusServiceUnavailable
	case errors.Is(err, rules.ErrDuplicate):
		code = http.StatusConflict
	case errors.Is(err, rules.ErrInvalid), errors.Is(err, rules.ErrResolve):
		code = http.StatusBadRequest
	}
	return &httpError{code: code, err: err}
}
