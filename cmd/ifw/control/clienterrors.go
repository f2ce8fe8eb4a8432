package control

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
)

// Errors a client branches on.
var (
	// ErrNotRunning: nothing listens on the socket.
	ErrNotRunning = errors.New("the ifw daemon is not running")
	// ErrNoAccess: the caller may not open the socket (neither root nor
	// in its group).
	ErrNoAccess = errors.New("permission denied")
)

// SocketError is why the socket could not be reached; Err is
// ErrNotRunning, ErrNoAccess or the dial's own error.
type SocketError struct {
	Socket string
	Err    error
}

func (e *SocketError) Error() string {
	switch {
	case errors.Is(e.Err, ErrNotRunning):
		return fmt.Sprintf("the ifw daemon is not running (no one listens on %s; start it with `systemctl start ifw`)", e.Socket)
	case errors.Is(e.Err, ErrNoAccess):
		return fmt.Sprintf("%s: permission denied: only root and members of group ifw may talk to the daemon "+
			"(ask an admin for `usermod -aG ifw $USER`, then log in again, or use sudo)", e.Socket)
	}
	return fmt.Sprintf("%s: %v", e.Socket, e.Err)
}

func (e *SocketError) Unwrap() error { return e.Err }

// dialError names what stopped a request before any answer.
func (c *Client) dialError(err error) error {
	switch {
	case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ECONNREFUSED):
		return &SocketError{Socket: c.socket, Err: ErrNotRunning}
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return &SocketError{Socket: c.socket, Err: ErrNoAccess}
	}
	return &SocketError{Socket: c.socket, Err: err}
}

// APIError is the daemon's refusal of a request: its status code and its
// message, in words meant for the user.
type APIError struct {
	Code    int
	Message string
}

func (e *APIError) Error() string { return e.Message }

// NotFound, Forbidden, Unavailable and Conflict tell refusals apart.
func (e *APIError) NotFound() bool    { return e.Code == http.StatusNotFound }
func (e *APIError) Forbidden() bool   { return e.Code == http.StatusForbidden }
func (e *APIError) Unavailable() bool { return e.Code == http.StatusServiceUnavailable }
func (e *APIError) Conflict() bool    { return e.Code == http.StatusConflict }

// answerError reads the daemon's {"error": …} answer.
func answerError(code int, body io.Reader) error {
	b, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	var e apiError
	msg := strings.TrimSpace(string(b))
	if json.Unmarshal(b, &e) == nil && e.Error != "" {
		msg = e.Error
	}
	if msg == "" {
		msg = http.StatusText(code)
	}
	return &APIError{Code: code, Message: msg}
}
